package io.ringmem.deploy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JVM options as comparable strings: {@code --add-modules X} and {@code --add-modules=X} both become
 * {@code --add-modules=X}; options without a value ({@code -XX:+UseParallelGC}) stay as they are. Also reads the
 * options the launcher {@code bin/ringmem} passes to {@code java} before {@code -jar}.
 */
final class JvmFlags {
    /** The options that take their value as the next word when written without '='. */
    private static final Set<String> SEPARATE_VALUE = Set.of("--add-modules", "--add-opens", "--add-exports",
            "--add-reads", "--enable-native-access", "--module-path", "-p", "--limit-modules", "-cp", "-classpath",
            "--class-path");
    private static final Pattern LAUNCH = Pattern.compile("/bin/java\"(.*?)\\s-jar\\s", Pattern.DOTALL);

    private JvmFlags() {
    }

    /** The normalised options in {@code words} (words that are no option, like the jar path, end the list). */
    static Set<String> normalise(List<String> words) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("-")) break;
            if (SEPARATE_VALUE.contains(w) && i + 1 < words.size()) {
                out.add(w + "=" + words.get(++i));
            } else {
                out.add(w);
            }
        }
        return out;
    }

    /**
     * The options of the {@code "$JAVA_HOME/bin/java" ... -jar} command in a launcher script, normalised; shell
     * expansions such as {@code ${JAVA_OPTS:-}} (the user's extra flags) are left out.
     */
    static Set<String> ofLauncher(String script) {
        Matcher m = LAUNCH.matcher(script.replace("\\\n", " "));
        if (!m.find()) throw new IllegalStateException("no \"$JAVA_HOME/bin/java\" ... -jar command in the launcher");
        List<String> words = new ArrayList<>();
        for (String w : m.group(1).strip().split("\\s+")) {
            if (!w.contains("$")) words.add(w);
        }
        return normalise(words);
    }
}
