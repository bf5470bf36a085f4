package io.ringmem.report;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlotFilesTest {
    @Test
    void oneDocumentKeepsTheName() {
        assertEquals(List.of(Path.of("out/loss.png")), PlotFiles.perDocument(Path.of("out/loss.png"), List.of("doc-1")));
        assertEquals(List.of(), PlotFiles.perDocument(Path.of("loss.png"), List.of()));
    }

    @Test
    void severalDocumentsGetTheirIds() {
        assertEquals(List.of(Path.of("out/loss-doc-1.png"), Path.of("out/loss-doc-2.png")),
                PlotFiles.perDocument(Path.of("out/loss.png"), List.of("doc-1", "doc-2")));
        assertEquals(List.of(Path.of("loss-data-war-and-peace.txt.png"), Path.of("loss-doc-2.png"), Path.of("loss-doc-3.png")),
                PlotFiles.perDocument(Path.of("loss.png"), List.of("/data/war and peace.txt", "  ", "???")));
        assertEquals(List.of(Path.of("plot-a"), Path.of("plot-b")), PlotFiles.perDocument(Path.of("plot"), List.of("a", "b")));
        assertEquals(List.of(Path.of("my.loss-a.png"), Path.of("my.loss-b.png")),
                PlotFiles.perDocument(Path.of("my.loss.png"), List.of("a", "b")));
    }

    @Test
    void collisionsAreNumbered() {
        assertEquals(List.of(Path.of("l-a-b.png"), Path.of("l-a-b-2.png"), Path.of("l-A-B-3.png"), Path.of("l-a-b-2-2.png")),
                PlotFiles.perDocument(Path.of("l.png"), List.of("a b", "a/b", "A?B", "a-b-2")));
    }

    @Test
    void sanitize() {
        assertEquals("doc-1", PlotFiles.sanitize("doc-1"));
        assertEquals("caf-au-lait", PlotFiles.sanitize("café au lait"));
        assertEquals("etc-passwd", PlotFiles.sanitize("../../etc/passwd"));
        assertEquals("", PlotFiles.sanitize("..."));
        assertEquals(80, PlotFiles.sanitize("x".repeat(200)).length());
    }
}
