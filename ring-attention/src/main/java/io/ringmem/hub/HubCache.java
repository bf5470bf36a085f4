package io.ringmem.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.RingmemException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The on-disk cache of downloaded repositories: {@code ROOT/hf/ORG/NAME/REVISION/} ('/' in a revision written
 * {@code %2F}) holding the files under their repository paths, and a marker {@value #MARKER} written last, by an
 * atomic move, once every file is in place. Files are downloaded to hidden {@code *.part} names and moved into
 * place atomically, so a file under its real name is always complete; the marker makes the folder complete.
 */
final class HubCache {
    static final String MARKER = ".ringmem-complete.json";
    private static final String LOCK = ".ringmem.lock";
    private static final String PART = ".part";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    HubCache(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * What the marker records.
     *
     * @param repo     {@code ORG/NAME}
     * @param revision the revision asked for
     * @param commit   the commit it resolved to, or null when the listing did not say
     * @param files    every downloaded file with its size in bytes
     * @param load     the path to hand to the model loader, relative to the folder ("" for the folder itself)
     */
    record Marker(String repo, String revision, String commit, Map<String, Long> files, String load) {
        Marker {
            Objects.requireNonNull(repo, "repo");
            Objects.requireNonNull(revision, "revision");
            files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
            Objects.requireNonNull(load, "load");
        }
    }

    Path dir(ModelSource.HubRepo repo) {
        return root.resolve("hf").resolve(repo.org()).resolve(repo.name()).resolve(repo.revision().replace("/", "%2F"));
    }

    /**
     * The load path of a complete download, without touching the network: present when the marker is readable and
     * every file it lists is there with its recorded size; empty otherwise (the caller downloads again).
     */
    Optional<Path> completed(ModelSource.HubRepo repo) {
        Path dir = dir(repo);
        Path marker = dir.resolve(MARKER);
        if (!Files.isRegularFile(marker)) return Optional.empty();
        try {
            Marker m = JSON.readValue(marker.toFile(), Marker.class);
            if (!m.repo().equals(repo.repoId()) || !HubFiles.isSafeRelative(m.load().isEmpty() ? "x" : m.load())) {
                return Optional.empty();
            }
            for (var e : m.files().entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!HubFiles.isSafeRelative(e.getKey()) || !Files.isRegularFile(f) || Files.size(f) != e.getValue()) {
                    return Optional.empty();
                }
            }
            return Optional.of(m.load().isEmpty() ? dir : dir.resolve(m.load()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable or foreign marker: download again
        }
    }

    /** Writes the marker (temp name, then atomic move); the download is complete from then on. */
    void markComplete(ModelSource.HubRepo repo, Marker marker) {
        Path dir = dir(repo);
        try {
            Path tmp = newTemp(dir.resolve(MARKER));
            JSON.writeValue(tmp.toFile(), marker);
            install(tmp, dir.resolve(MARKER));
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
    }

    /** Removes the marker so that the folder counts as incomplete while it is being refreshed. */
    void unmark(ModelSource.HubRepo repo) {
        try {
            Files.deleteIfExists(dir(repo).resolve(MARKER));
        } catch (IOException e) {
            throw cannotWrite(dir(repo), e);
        }
    }

    /** A new empty hidden temporary file beside {@code target} (its folders are created). */
    Path newTemp(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", PART);
    }

    /** Moves a finished temporary file onto {@code target}, atomically where the file system can. */
    void install(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Deletes leftover {@code .*.part} files of interrupted runs under the repository's folder. */
    void removeLeftovers(ModelSource.HubRepo repo) {
        Path dir = dir(repo);
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> parts = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(".") && n.endsWith(PART) && Files.isRegularFile(p);
            }).toList();
            for (Path p : parts) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
    }

    /**
     * Takes the repository folder's lock (creating the folder), waiting for another process that holds it;
     * {@code onWait} runs first when it has to wait.
     *
     * @throws RingmemException when this process already holds it (two resolves of one repository at once)
     */
    Lock lock(ModelSource.HubRepo repo, Runnable onWait) {
        Path dir = dir(repo);
        FileChannel ch = null;
        try {
            Files.createDirectories(dir);
            ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                onWait.run();
                lock = ch.lock();
            }
            FileLock held = lock;
            FileChannel channel = ch;
            return () -> {
                try (channel) {
                    held.release();
                } catch (IOException ignored) {
                    // closing the channel releases the lock anyway
                }
            };
        } catch (OverlappingFileLockException e) {
            closeQuietly(ch);
            throw new RingmemException("another download of " + repo + " is already running in this process", e);
        } catch (IOException e) {
            closeQuietly(ch);
            throw cannotWrite(dir, e);
        }
    }

    /** A held folder lock; closing releases it. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    static RingmemException cannotWrite(Path dir, IOException e) {
        String m = e.getMessage();
        return new RingmemException("cannot write the model cache " + dir + ": " + e.getClass().getSimpleName()
                + (m == null ? "" : " " + m.lines().findFirst().orElse("")), e);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** Sizes of the given files in {@code dir}, in order, for the marker. */
    static Map<String, Long> sizes(Path dir, List<String> files) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String f : files) out.put(f, Files.size(dir.resolve(f)));
        return out;
    }
}
