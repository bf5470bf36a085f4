package io.ringmem.cli;

import java.nio.file.Path;

/** Document ids derived from file names: the name with characters outside [A-Za-z0-9._:-] replaced by '-'. */
final class DocumentIds {
    private DocumentIds() {
    }

    static String of(Path file) {
        String name = file.getFileName() == null ? "document" : file.getFileName().toString();
        String id = name.replaceAll("[^A-Za-z0-9._:-]", "-");
        if (id.isEmpty() || !Character.isLetterOrDigit(id.charAt(0))) id = "d" + id;
        return id.length() > 200 ? id.substring(0, 200) : id;
    }
}
