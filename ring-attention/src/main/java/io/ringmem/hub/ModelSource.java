package io.ringmem.hub;

import io.ringmem.RingmemException;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a model comes from, as given to {@code --model}: a local file or folder, or a Hugging Face Hub repository
 * written {@code hf:ORG/NAME} or {@code hf:ORG/NAME@REVISION} (revision {@code main} by default).
 *
 * <p>{@link #parse} checks only the syntax: it does not look at the disk or the network. Every spec not starting
 * with {@code hf:} is a local path.
 */
public sealed interface ModelSource permits ModelSource.LocalPath, ModelSource.HubRepo {
    /** The prefix that marks a Hub repository. */
    String HUB_PREFIX = "hf:";

    /**
     * Parses a model spec.
     *
     * @throws RingmemException with a one-line message when the spec is empty, not a valid path, or a malformed
     *                          {@code hf:} spec
     */
    static ModelSource parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        if (spec.isBlank()) throw new RingmemException("empty model spec: expected a path or hf:ORG/NAME[@REVISION]");
        if (!spec.startsWith(HUB_PREFIX)) {
            try {
                return new LocalPath(Path.of(spec));
            } catch (InvalidPathException e) {
                throw new RingmemException("model path '" + spec + "' is not a valid path: " + e.getReason(), e);
            }
        }
        String rest = spec.substring(HUB_PREFIX.length());
        String revision = HubRepo.DEFAULT_REVISION;
        int at = rest.indexOf('@');
        if (at >= 0) {
            revision = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (revision.isEmpty()) throw new RingmemException("model spec '" + spec + "' has an empty revision after '@'");
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || rest.indexOf('/', slash + 1) >= 0) {
            throw new RingmemException("model spec '" + spec + "' must be hf:ORG/NAME[@REVISION] "
                    + "(for example hf:TinyLlama/TinyLlama-1.1B-Chat-v1.0)");
        }
        try {
            return new HubRepo(rest.substring(0, slash), rest.substring(slash + 1), revision);
        } catch (IllegalArgumentException e) {
            throw new RingmemException("model spec '" + spec + "': " + e.getMessage(), e);
        }
    }

    /** A model file or folder on this machine, used as given (existence is checked when it is loaded). */
    record LocalPath(Path path) implements ModelSource {
        public LocalPath {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A Hugging Face Hub model repository at a revision (a branch, tag or commit).
     *
     * @param org      the owner: a letter or digit, then letters, digits, '.', '_' or '-' (at most 96 characters,
     *                 no "..")
     * @param name     the repository name, same rules
     * @param revision one or more '/'-separated parts following the same rules (for example {@code main},
     *                 {@code v1.0}, {@code refs/pr/3} or a commit hash), at most 255 characters
     * @throws IllegalArgumentException naming the part that breaks the rules
     */
    record HubRepo(String org, String name, String revision) implements ModelSource {
        /** The revision used when the spec names none. */
        public static final String DEFAULT_REVISION = "main";
        private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

        public HubRepo {
            check("organization", org, 96);
            check("repository name", name, 96);
            Objects.requireNonNull(revision, "revision");
            if (revision.isEmpty() || revision.length() > 255) {
                throw new IllegalArgumentException("revision must have 1 to 255 characters");
            }
            for (String part : revision.split("/", -1)) {
                if (!PART.matcher(part).matches() || part.contains("..")) {
                    throw new IllegalArgumentException("revision '" + revision + "' may only contain letters, digits, "
                            + "'.', '_', '-' and single '/' between parts, each part starting with a letter or digit");
                }
            }
        }

        /** A repository at the default revision. */
        public HubRepo(String org, String name) {
            this(org, name, DEFAULT_REVISION);
        }

        private static void check(String what, String value, int maxLength) {
            Objects.requireNonNull(value, what);
            if (value.isEmpty()) throw new IllegalArgumentException(what + " is empty");
            if (value.length() > maxLength) {
                throw new IllegalArgumentException(what + " '" + value + "' is longer than " + maxLength + " characters");
            }
            if (!PART.matcher(value).matches() || value.contains("..")) {
                throw new IllegalArgumentException(what + " '" + value + "' may only contain letters, digits, '.', '_' "
                        + "and '-', must start with a letter or digit and must not contain \"..\"");
            }
        }

        /** {@code ORG/NAME}, as the Hub writes a repository id. */
        public String repoId() {
            return org + "/" + name;
        }

        /** {@code hf:ORG/NAME (revision REV)}, for messages. */
        public String describe() {
            return HUB_PREFIX + repoId() + " (revision " + revision + ")";
        }

        /** The spec that parses back to this repository: {@code hf:ORG/NAME}, with {@code @REV} unless main. */
        @Override
        public String toString() {
            return HUB_PREFIX + repoId() + (revision.equals(DEFAULT_REVISION) ? "" : "@" + revision);
        }
    }
}
