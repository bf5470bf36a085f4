package io.ringmem.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Helm steps of docs/deploy.md, turned into {@code helm template} runs: every {@code helm install} and
 * {@code helm upgrade} command of a bash block (continuation lines joined) and every YAML block whose first line
 * is {@code # values-NAME.yaml}, which the commands pass with {@code -f values-NAME.yaml}. Release and chart must be
 * {@code ringmem} and {@code deploy/helm/ringmem}; flags other than the namespace flags, {@code --install},
 * {@code --create-namespace}, {@code --wait}, {@code -f}/{@code --values} and {@code --set} are rejected, so that
 * a documented command always means what its rendering here tested.
 */
final class DocsHelm {
    static final String FILE = "docs/deploy.md";
    private static final Pattern VALUES_FILE = Pattern.compile("^# (values-[\\w-]+\\.yaml)$");
    private static final Set<String> IGNORED = Set.of("--install", "--create-namespace", "--wait");

    /** One documented command: its text and the arguments of the equivalent {@code helm template}. */
    record Command(String text, List<String> templateArgs, List<String> setKeys) {
    }

    private DocsHelm() {
    }

    /** The values files of the docs, by file name, as YAML text. */
    static Map<String, String> valuesFiles() {
        Map<String, String> out = new LinkedHashMap<>();
        for (List<String> block : blocks("yaml")) {
            Matcher m = VALUES_FILE.matcher(block.getFirst());
            if (m.matches()) out.put(m.group(1), String.join("\n", block) + "\n");
        }
        return out;
    }

    /** The documented helm install/upgrade commands; their values files are written to {@code dir}. */
    static List<Command> commands(Path dir) {
        Map<String, String> files = valuesFiles();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> f : files.entrySet()) Files.writeString(dir.resolve(f.getKey()), f.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Command> out = new ArrayList<>();
        for (List<String> block : blocks("bash")) {
            for (String line : String.join("\n", block).replace("\\\n", " ").split("\n")) {
                String text = line.strip();
                if (text.startsWith("helm install ") || text.startsWith("helm upgrade ")) out.add(parse(text, files, dir));
            }
        }
        return out;
    }

    private static Command parse(String text, Map<String, String> files, Path dir) {
        List<String> words = List.of(text.split("\\s+"));
        List<String> positional = new ArrayList<>();
        List<String> args = new ArrayList<>(List.of("template", Renders.RELEASE, Renders.CHART));
        List<String> keys = new ArrayList<>();
        for (int i = 2; i < words.size(); i++) {
            String w = words.get(i);
            switch (w) {
                case "--namespace", "-n" -> i++;
                case "-f", "--values" -> {
                    String file = words.get(++i);
                    if (!files.containsKey(file)) throw new AssertionError(text + ": " + file + " is not a values block of " + FILE);
                    args.add("-f");
                    args.add(dir.resolve(file).toString());
                }
                case "--set" -> {
                    String kv = words.get(++i);
                    keys.add(kv.substring(0, kv.indexOf('=')));
                    args.add("--set");
                    args.add(kv);
                }
                default -> {
                    if (w.startsWith("-") && !IGNORED.contains(w)) {
                        throw new AssertionError(text + ": flag " + w + " is not rendered by the docs test");
                    }
                    if (!w.startsWith("-")) positional.add(w);
                }
            }
        }
        if (!positional.equals(List.of(Renders.RELEASE, Renders.CHART))) {
            throw new AssertionError(text + ": release and chart should be " + Renders.RELEASE + " " + Renders.CHART
                    + ", not " + positional);
        }
        return new Command(text, args, keys);
    }

    /** The lines of the fenced blocks of a language in the docs, without the fences and the fences' indentation. */
    private static List<List<String>> blocks(String language) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = null;
        int indent = 0;
        for (String line : RepoFiles.read(FILE).split("\n", -1)) {
            String s = line.strip();
            if (current == null && s.equals("```" + language)) {
                current = new ArrayList<>();
                indent = line.indexOf('`');
            } else if (current != null && s.equals("```")) {
                out.add(current);
                current = null;
            } else if (current != null) {
                int strip = 0;
                while (strip < indent && strip < line.length() && line.charAt(strip) == ' ') strip++;
                current.add(line.substring(strip));
            }
        }
        return out;
    }
}
