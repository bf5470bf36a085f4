package io.ringmem.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command synopses of {@code docs/cluster.md} ("## Processes"): for each {@code bin/ringmem SUBCOMMAND} the
 * flags it documents, whether each takes a value and whether it is required. A synopsis starts on a line
 * {@code bin/ringmem NAME ...} inside a fenced code block and continues on the following indented lines; a flag
 * takes a value when the next word of its bracket group is not another flag ({@code [--hz-port 5701]},
 * {@code --model PATH}) and does not when its group closes right after it ({@code [--wait]}); a flag outside all
 * brackets is required.
 */
final class CliDoc {
    static final String FILE = "docs/cluster.md";
    private static final Pattern COMMAND = Pattern.compile("^bin/ringmem\\s+([a-z][a-z-]*)\\b(.*)$");

    /** What the synopsis says about one flag. */
    record Flag(boolean takesValue, boolean required) {
    }

    private final Map<String, Map<String, Flag>> commands;

    private CliDoc(Map<String, Map<String, Flag>> commands) {
        this.commands = commands;
    }

    /** Parses docs/cluster.md. */
    static CliDoc load() {
        return parse(RepoFiles.read(FILE));
    }

    /** Parses the synopses in a markdown text. */
    static CliDoc parse(String markdown) {
        Map<String, StringBuilder> synopses = new LinkedHashMap<>();
        boolean inCode = false;
        String current = null;
        for (String line : markdown.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inCode = !inCode;
                current = null;
                continue;
            }
            if (!inCode) continue;
            Matcher m = COMMAND.matcher(line.strip());
            if (m.matches() && !line.startsWith(" ")) {
                current = m.group(1);
                synopses.computeIfAbsent(current, k -> new StringBuilder()).append(' ').append(m.group(2));
            } else if (current != null && line.startsWith(" ") && !line.isBlank()) {
                synopses.get(current).append(' ').append(line.strip());
            } else {
                current = null;
            }
        }
        Map<String, Map<String, Flag>> commands = new LinkedHashMap<>();
        synopses.forEach((name, text) -> commands.put(name, parseFlags(text.toString())));
        return new CliDoc(commands);
    }

    private static Map<String, Flag> parseFlags(String synopsis) {
        Map<String, Flag> flags = new LinkedHashMap<>();
        List<String> words = List.of(synopsis.strip().split("\\s+"));
        int depth = 0;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String bare = w.replaceAll("^\\[+", "");
            depth += w.length() - bare.length();
            if (bare.startsWith("--")) {
                String flag = bare.replaceAll("]+$", "");
                boolean groupCloses = bare.endsWith("]");
                boolean nextIsFlagOrGroup = i + 1 >= words.size() || words.get(i + 1).startsWith("[")
                        || words.get(i + 1).startsWith("--");
                flags.put(flag, new Flag(!groupCloses && !nextIsFlagOrGroup, depth == 0));
            }
            depth -= bare.length() - bare.replaceAll("]+$", "").length();
        }
        return flags;
    }

    /** The subcommands with a synopsis. */
    List<String> commands() {
        return List.copyOf(commands.keySet());
    }

    /** The documented flags of a subcommand; empty if the subcommand is undocumented. */
    Map<String, Flag> flags(String command) {
        return commands.getOrDefault(command, Map.of());
    }
}
