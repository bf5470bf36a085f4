package io.ringmem.report;

import io.ringmem.RingmemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.ImageIO;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NllPlotTest {
    @TempDir
    Path dir;

    private static double[] noisy(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = 2.5 + Math.sin(i / 50.0) + r.nextGaussian() * 0.8;
        return v;
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, "not a readable image: " + png);
        return img;
    }

    private static int count(BufferedImage img, Color c) {
        int k = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) if ((img.getRGB(x, y) & 0xffffff) == (c.getRGB() & 0xffffff)) k++;
        }
        return k;
    }

    /** Mean row of the average-line pixels in columns [from, to), below the legend row. */
    private static double meanRow(BufferedImage img, int from, int to) {
        long sum = 0;
        int k = 0;
        for (int y = 70; y < img.getHeight(); y++) {
            for (int x = from; x < to; x++) {
                if ((img.getRGB(x, y) & 0xffffff) == (NllPlot.AVERAGE_COLOR.getRGB() & 0xffffff)) {
                    sum += y;
                    k++;
                }
            }
        }
        assertTrue(k > 0, "no average line in columns " + from + ".." + to);
        return (double) sum / k;
    }

    @Test
    void runsHeadless() {
        assertTrue(GraphicsEnvironment.isHeadless(), "the test JVM is expected to be headless here");
    }

    @Test
    void writesAPngWithTheLinesDrawn() throws IOException {
        Path out = dir.resolve("loss.png");
        new NllPlot().write(new NllSeries("doc-1", noisy(1000, 1), new int[]{0, 400, 800}), out);
        BufferedImage img = read(out);
        assertEquals(1200, img.getWidth());
        assertEquals(500, img.getHeight());
        assertTrue(count(img, NllPlot.AVERAGE_COLOR) > 1500, "average line: " + count(img, NllPlot.AVERAGE_COLOR));
        assertTrue(count(img, NllPlot.POINT_COLOR) > 2000, "points: " + count(img, NllPlot.POINT_COLOR));
        assertTrue(count(img, NllPlot.SEGMENT_COLOR) > 2 * 200, "segment lines: " + count(img, NllPlot.SEGMENT_COLOR));
        assertTrue(count(img, Color.WHITE) > img.getWidth() * img.getHeight() / 2, "mostly background");
    }

    @Test
    void customSizeAndOverwrite() throws IOException {
        Path out = dir.resolve("small.png");
        Files.writeString(out, "old content");
        new NllPlot(640, 240).write(new NllSeries("x", noisy(50, 2), new int[]{0}), out);
        BufferedImage img = read(out);
        assertEquals(640, img.getWidth());
        assertEquals(240, img.getHeight());
        assertThrows(IllegalArgumentException.class, () -> new NllPlot(100, 500));
        assertThrows(IllegalArgumentException.class, () -> new NllPlot(1200, 20_000));
    }

    @Test
    void averageLineFollowsTheData() {
        double[] v = new double[2000];
        Arrays.fill(v, 0, 1000, 1.0);
        Arrays.fill(v, 1000, 2000, 5.0);
        BufferedImage img = new NllPlot().render(new NllSeries("steps", v, new int[]{0}));
        double left = meanRow(img, 150, 400);
        double right = meanRow(img, 800, 1100);
        assertTrue(left > right + 200, "value 1 is drawn lower than value 5: rows " + left + " vs " + right);
    }

    @Test
    void nanAndInfiniteEntriesAreSkipped() {
        double[] v = noisy(500, 3);
        for (int i = 0; i < v.length; i += 7) v[i] = Double.NaN;
        v[3] = Double.POSITIVE_INFINITY;
        NllSeries s = new NllSeries("gaps", v, new int[]{250});
        double finiteMean = Arrays.stream(v).filter(Double::isFinite).average().orElseThrow();
        assertEquals(finiteMean, s.meanNll(), 1e-12);
        assertEquals(Math.exp(finiteMean), s.perplexity(), 1e-9);
        assertEquals(500 - 72 - 1, s.finiteCount());
        BufferedImage img = new NllPlot().render(s);
        assertTrue(count(img, NllPlot.AVERAGE_COLOR) > 1000);

        double[] nan = new double[300];
        Arrays.fill(nan, Double.NaN);
        NllSeries none = new NllSeries("all NaN", nan, new int[]{0});
        assertTrue(Double.isNaN(none.meanNll()));
        BufferedImage blank = new NllPlot().render(none);
        assertTrue(count(blank, NllPlot.AVERAGE_COLOR) < 100, "only the legend swatch");
        assertEquals(0, count(blank, NllPlot.POINT_COLOR)
                - count(new NllPlot().render(new NllSeries("", new double[0])), NllPlot.POINT_COLOR));
    }

    @Test
    void shortInputs() throws IOException {
        Path one = dir.resolve("one.png");
        new NllPlot().write(new NllSeries("one token", new double[]{3.0}, new int[]{0}), one);
        BufferedImage img = read(one);
        assertTrue(count(img, NllPlot.AVERAGE_COLOR) >= 49, "the lone value is marked");
        Path two = dir.resolve("two.png");
        new NllPlot().write(new NllSeries("two", new double[]{1.0, Double.NaN}), two);
        read(two);
        Path empty = dir.resolve("empty.png");
        new NllPlot().write(new NllSeries("empty", new double[0], new int[]{0}), empty);
        assertEquals(1200, read(empty).getWidth());
    }

    @Test
    void longDocumentsRenderQuickly() {
        long t0 = System.nanoTime();
        BufferedImage img = new NllPlot().render(new NllSeries("long " + "x".repeat(500), noisy(500_000, 4),
                new int[]{0, 100_000, 200_000, 300_000, 400_000}));
        assertTrue(count(img, NllPlot.AVERAGE_COLOR) > 1000);
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "render took " + (System.nanoTime() - t0) / 1e9 + " s");
    }

    @Test
    void unwritablePathIsAOneLineError() throws IOException {
        NllSeries s = new NllSeries("d", noisy(10, 5));
        Path missing = dir.resolve("no-such-folder/loss.png");
        RingmemException e = assertThrows(RingmemException.class, () -> new NllPlot().write(s, missing));
        assertEquals("cannot write plot " + missing + ": the folder does not exist", e.getMessage());
        Path folder = Files.createDirectories(dir.resolve("a-folder.png"));
        e = assertThrows(RingmemException.class, () -> new NllPlot().write(s, folder));
        assertTrue(e.getMessage().startsWith("cannot write plot " + folder + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(Files.isDirectory(folder), "a folder in the way is left alone");
    }

    @Test
    void seriesIsValidatedAndCopied() {
        double[] v = {1, 2, 3};
        int[] starts = {2, 0, 2};
        NllSeries s = new NllSeries("d", v, starts);
        v[0] = 99;
        starts[0] = 1;
        assertEquals(1.0, s.at(0));
        assertTrue(Arrays.equals(new int[]{0, 2}, s.segmentStarts()));
        s.nll()[1] = 42;
        assertEquals(2.0, s.at(1));
        assertEquals(new NllSeries("d", new double[]{1, 2, 3}, new int[]{0, 2}), s);
        assertThrows(IllegalArgumentException.class, () -> new NllSeries("d", new double[3], new int[]{3}));
        assertThrows(IllegalArgumentException.class, () -> new NllSeries("d", new double[3], new int[]{-1}));
        assertEquals(1, NllPlot.window(1));
        assertEquals(1, NllPlot.window(199));
        assertEquals(50, NllPlot.window(5000));
    }

    @Test
    void ticksAreNice() {
        Ticks x = Ticks.over(0, 999, 10, 1);
        assertEquals(100, x.step());
        assertEquals(10, x.values().size());
        assertEquals("900", x.label(900));
        Ticks small = Ticks.over(0, 1, 10, 1);
        assertEquals(1, small.step());
        Ticks y = Ticks.over(0, 0.37, 4, 0);
        assertEquals(0.1, y.step(), 1e-12);
        assertEquals("0.3", y.label(y.values().get(3)));
        assertEquals("0", Ticks.over(-2, 3, 5, 0).label(-0.0));
    }
}
