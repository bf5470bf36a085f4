package io.ringmem.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The instructions of a Dockerfile: comments and blank lines dropped, backslash continuations joined, each
 * instruction split into its keyword (upper case) and its argument text. Exec-form arguments ({@code ["java",
 * "-jar", ...]}) are read as a JSON array.
 */
final class Dockerfile {
    static final String FILE = "deploy/docker/Dockerfile";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instruction, for example {@code COPY} with arguments {@code a.jar /opt/a.jar}. */
    record Instruction(String keyword, String arguments) {
        /** The arguments as a JSON array (exec form); fails for shell form. */
        List<String> execForm() {
            if (!arguments.startsWith("[")) throw new AssertionError(keyword + " is in shell form, not exec form: " + arguments);
            try {
                return JSON.readValue(arguments, new TypeReference<List<String>>() {
                });
            } catch (JsonProcessingException e) {
                throw new AssertionError(keyword + " arguments are not a JSON array of strings: " + arguments, e);
            }
        }

        /** The arguments split on whitespace (shell form). */
        List<String> words() {
            return List.of(arguments.strip().split("\\s+"));
        }
    }

    private final List<Instruction> instructions;

    private Dockerfile(List<Instruction> instructions) {
        this.instructions = List.copyOf(instructions);
    }

    /** Parses deploy/docker/Dockerfile. */
    static Dockerfile load() {
        return parse(RepoFiles.read(FILE));
    }

    /** Parses Dockerfile text. */
    static Dockerfile parse(String text) {
        List<Instruction> out = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (line.isEmpty() && pending.isEmpty())) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            pending.append(line);
            String full = pending.toString().strip();
            pending.setLength(0);
            if (full.isEmpty()) continue;
            int sp = full.indexOf(' ');
            String keyword = (sp < 0 ? full : full.substring(0, sp)).toUpperCase(Locale.ROOT);
            out.add(new Instruction(keyword, sp < 0 ? "" : full.substring(sp + 1).strip()));
        }
        return new Dockerfile(out);
    }

    /** All instructions with this keyword, in order. */
    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The last instruction with this keyword (the one that takes effect); fails if there is none. */
    Instruction last(String keyword) {
        List<Instruction> l = all(keyword);
        if (l.isEmpty()) throw new AssertionError("the Dockerfile has no " + keyword);
        return l.getLast();
    }
}
