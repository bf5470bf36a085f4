package io.ringmem.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The rules of a {@code .dockerignore} file as the Docker CLI applies them to paths of the build context: patterns
 * in Go's {@code filepath.Match} syntax ({@code *} and {@code ?} stay within one path element, {@code **} spans
 * any number; character classes are not supported), a pattern also covers everything below a matching directory,
 * a leading {@code !} re-includes, and the last matching pattern decides.
 */
final class DockerIgnore {
    private record Rule(Pattern pattern, boolean include, String text) {
    }

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** Parses the text of a .dockerignore file. */
    static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            boolean include = line.startsWith("!");
            String p = (include ? line.substring(1) : line).strip().replaceAll("^/+", "").replaceAll("/+$", "");
            rules.add(new Rule(Pattern.compile(toRegex(p) + "(/.*)?"), include, line));
        }
        return new DockerIgnore(rules);
    }

    /** Whether the context path (relative, '/'-separated) is left out of the build context. */
    boolean excludes(String path) {
        boolean excluded = false;
        for (Rule r : rules) {
            if (r.pattern().matcher(path).matches()) excluded = !r.include();
        }
        return excluded;
    }

    private static String toRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                i++;
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                    re.append("(.*/)?");
                    i++;
                } else {
                    re.append(".*");
                }
            } else if (c == '*') {
                re.append("[^/]*");
            } else if (c == '?') {
                re.append("[^/]");
            } else if (c == '\\' && i + 1 < glob.length()) {
                re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return re.toString();
    }
}
