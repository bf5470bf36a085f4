package io.ringmem.report;

import io.ringmem.RingmemException;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Draws a document's per-token NLL as a PNG: every finite value as a light point, a centred moving average over
 * {@link #window} tokens as the main line (gaps where a window holds no finite value), dashed vertical lines at
 * segment starts, axes with tick labels (token position; NLL in nats) and a title with the document id, the mean
 * NLL, the perplexity and the token count.
 *
 * <p>Pure Java2D on a {@link BufferedImage}: works headless and never opens a window; it does not set
 * {@code java.awt.headless} (entry points may). Lines and points are drawn without antialiasing, in exactly
 * {@link #POINT_COLOR}, {@link #AVERAGE_COLOR} and {@link #SEGMENT_COLOR}, so that tests can find them; text is
 * antialiased. The y axis runs from {@code min(0, smallest value)} to the largest value, so one extreme token
 * flattens the rest. With more tokens than pixels the average line is sampled once per pixel column.
 *
 * <p>Not guaranteed: the exact layout, fonts (the platform's sans serif; text needs a working font setup) and
 * pixel output across JDKs. Immutable and thread-safe.
 *
 * @param width  image width in pixels, 320 to 10000
 * @param height image height in pixels, 200 to 10000
 */
public record NllPlot(int width, int height) {
    public static final int DEFAULT_WIDTH = 1200;
    public static final int DEFAULT_HEIGHT = 500;
    /** The per-token points. */
    public static final Color POINT_COLOR = new Color(160, 190, 230);
    /** The moving-average line. */
    public static final Color AVERAGE_COLOR = new Color(20, 70, 170);
    /** The dashed segment-start lines. */
    public static final Color SEGMENT_COLOR = new Color(220, 110, 20);
    private static final Color GRID = new Color(232, 232, 232);
    private static final Color AXIS = new Color(60, 60, 60);
    private static final int LEFT = 72;
    private static final int RIGHT = 24;
    private static final int TOP = 64;
    private static final int BOTTOM = 56;

    public NllPlot {
        if (width < 320 || width > 10_000 || height < 200 || height > 10_000) {
            throw new IllegalArgumentException("plot size " + width + "x" + height + " is outside 320x200 .. 10000x10000");
        }
    }

    /** The default size, 1200 x 500. */
    public NllPlot() {
        this(DEFAULT_WIDTH, DEFAULT_HEIGHT);
    }

    /** The moving-average window for {@code n} tokens: {@code n / 100}, at least 1. */
    public static int window(int n) {
        return Math.max(1, n / 100);
    }

    /**
     * Renders and writes the plot as a PNG, replacing {@code out} if it exists.
     *
     * @throws RingmemException with a one-line message naming {@code out} when it cannot be written (missing
     *                          folder, no permission, a folder in the way, disk full)
     */
    public void write(NllSeries series, Path out) {
        Objects.requireNonNull(out, "out");
        BufferedImage image = render(series);
        OutputStream os;
        try {
            os = Files.newOutputStream(out);
        } catch (IOException e) {
            throw new RingmemException("cannot write plot " + out + ": " + reason(e), e);
        }
        try (os) {
            if (!ImageIO.write(image, "png", os)) throw new IllegalStateException("no PNG writer in this JDK");
        } catch (IOException e) {
            deleteQuietly(out); // a truncated PNG is worse than none
            throw new RingmemException("cannot write plot " + out + ": " + reason(e), e);
        }
    }

    /** Renders the plot into a new RGB image of this size. */
    public BufferedImage render(NllSeries series) {
        Objects.requireNonNull(series, "series");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            new Layout(series).draw(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** One rendering: the data ranges and the data-to-pixel mapping. */
    private final class Layout {
        private final NllSeries s;
        private final int n;
        private final int x0 = LEFT;
        private final int x1 = width - RIGHT;
        private final int y0 = TOP;
        private final int y1 = height - BOTTOM;
        private final double xMax;
        private final double yMin;
        private final double yMax;

        Layout(NllSeries s) {
            this.s = s;
            this.n = s.length();
            this.xMax = Math.max(1, n - 1);
            double lo = 0;
            double hi = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double v = s.at(i);
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            if (!(hi > lo)) hi = lo + 1;
            this.yMin = lo;
            this.yMax = hi + (hi - lo) * 0.04;
        }

        int px(double position) {
            return x0 + (int) Math.round(position / xMax * (x1 - x0));
        }

        int py(double value) {
            return y1 - (int) Math.round((value - yMin) / (yMax - yMin) * (y1 - y0));
        }

        void draw(Graphics2D g) {
            Font base = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
            g.setFont(base);
            Ticks xt = Ticks.over(0, xMax, Math.max(2, (x1 - x0) / 110), 1);
            Ticks yt = Ticks.over(yMin, yMax, Math.max(2, (y1 - y0) / 60), 0);
            grid(g, xt, yt);
            points(g);
            segments(g);
            average(g);
            axes(g, xt, yt);
            title(g, base);
            legend(g);
        }

        private void grid(Graphics2D g, Ticks xt, Ticks yt) {
            g.setColor(GRID);
            for (double v : xt.values()) g.drawLine(px(v), y0, px(v), y1);
            for (double v : yt.values()) g.drawLine(x0, py(v), x1, py(v));
        }

        private void points(Graphics2D g) {
            g.setColor(POINT_COLOR);
            int size = n <= (x1 - x0) ? 3 : n <= 4 * (x1 - x0) ? 2 : 1;
            for (int i = 0; i < n; i++) {
                double v = s.at(i);
                if (Double.isFinite(v)) g.fillRect(px(i) - size / 2, py(v) - size / 2, size, size);
            }
        }

        private void segments(Graphics2D g) {
            g.setColor(SEGMENT_COLOR);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
            for (int start : s.segmentStarts()) g.drawLine(px(start), y0, px(start), y1);
        }

        private void average(Graphics2D g) {
            int w = window(n);
            double[] sum = new double[n + 1];
            int[] count = new int[n + 1];
            for (int i = 0; i < n; i++) {
                double v = s.at(i);
                boolean ok = Double.isFinite(v);
                sum[i + 1] = sum[i] + (ok ? v : 0);
                count[i + 1] = count[i] + (ok ? 1 : 0);
            }
            int columns = x1 - x0;
            int steps = n <= 2 * columns ? n : columns + 1;
            Path2D.Double path = new Path2D.Double();
            boolean open = false;
            int drawn = 0;
            for (int k = 0; k < steps; k++) {
                int i = steps == n ? k : (int) Math.round((double) k * (n - 1) / columns);
                int a = Math.max(0, i - w / 2);
                int b = Math.min(n, a + w);
                int c = count[b] - count[a];
                if (c == 0 || 4 * c < Math.min(w, b - a)) { // too few finite values in the window for an average
                    open = false;
                    continue;
                }
                double avg = (sum[b] - sum[a]) / c;
                if (open) path.lineTo(px(i), py(avg));
                else path.moveTo(px(i), py(avg));
                open = true;
                drawn++;
            }
            g.setColor(AVERAGE_COLOR);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            if (drawn > 0) g.draw(path);
            if (n == 1 && drawn == 1) g.fillRect(px(0) - 3, py(s.at(0)) - 3, 7, 7); // a lone value has no line
            g.setStroke(new BasicStroke(1f));
        }

        private void axes(Graphics2D g, Ticks xt, Ticks yt) {
            g.setColor(AXIS);
            g.drawLine(x0, y1, x1, y1);
            g.drawLine(x0, y0, x0, y1);
            FontMetrics fm = g.getFontMetrics();
            for (double v : xt.values()) {
                String t = xt.label(v);
                g.drawLine(px(v), y1, px(v), y1 + 4);
                g.drawString(t, px(v) - fm.stringWidth(t) / 2, y1 + 6 + fm.getAscent());
            }
            for (double v : yt.values()) {
                String t = yt.label(v);
                g.drawLine(x0 - 4, py(v), x0, py(v));
                g.drawString(t, x0 - 7 - fm.stringWidth(t), py(v) + fm.getAscent() / 2 - 1);
            }
            String xl = "token position";
            g.drawString(xl, (x0 + x1 - fm.stringWidth(xl)) / 2, height - 12);
            String yl = "NLL (nats)";
            AffineTransform saved = g.getTransform();
            g.rotate(-Math.PI / 2);
            g.drawString(yl, -(y0 + y1 + fm.stringWidth(yl)) / 2, 18);
            g.setTransform(saved);
        }

        /** The id, then the statistics (shortened, then the id cut with an ellipsis, when the width is small). */
        private void title(Graphics2D g, Font base) {
            int finite = s.finiteCount();
            int skipped = n - finite;
            String tokens = n + (n == 1 ? " token" : " tokens");
            String full = finite == 0 ? "no finite values, " + tokens
                    : String.format(Locale.ROOT, "mean NLL %.4f nats, perplexity %.3f, %s", s.meanNll(), s.perplexity(), tokens)
                    + (skipped > 0 ? " (" + skipped + " not finite, skipped)" : "");
            String compact = finite == 0 ? "no finite values"
                    : String.format(Locale.ROOT, "mean %.3f, ppl %.2f, n=%d", s.meanNll(), s.perplexity(), n);
            g.setFont(base.deriveFont(Font.BOLD, 15f));
            g.setColor(Color.BLACK);
            FontMetrics fm = g.getFontMetrics();
            String id = s.documentId().replaceAll("\\p{Cntrl}", " ").strip();
            String sep = id.isEmpty() ? "" : " \u2014 ";
            int span = x1 - x0;
            String stats = fm.stringWidth(sep + full) + fm.stringWidth(id.isEmpty() ? "" : "xxxxxxxx") <= span ? full : compact;
            int room = span - fm.stringWidth(sep + stats);
            if (fm.stringWidth(id) > room) {
                while (!id.isEmpty() && fm.stringWidth(id + "\u2026") > room) id = id.substring(0, id.length() - 1);
                id = id + "\u2026";
            }
            g.drawString(id + sep + stats, x0, 24);
            g.setFont(base);
        }

        /** One row under the title: a swatch and a label per element drawn. */
        private void legend(Graphics2D g) {
            FontMetrics fm = g.getFontMetrics();
            String[] labels = {"per token", "moving average (" + window(n) + (window(n) == 1 ? " token)" : " tokens)"),
                    "segment start"};
            Color[] colors = {POINT_COLOR, AVERAGE_COLOR, SEGMENT_COLOR};
            int items = s.segmentStarts().length > 0 ? 3 : 2;
            int x = x0;
            int cy = TOP - 14;
            for (int i = 0; i < items && x + 24 + fm.stringWidth(labels[i]) <= x1; i++) {
                g.setColor(colors[i]);
                if (i == 0) g.fillRect(x + 8, cy - 1, 3, 3);
                else if (i == 1) g.fillRect(x, cy - 1, 18, 2);
                else for (int d = 0; d < 18; d += 7) g.fillRect(x + d, cy - 1, 4, 2);
                g.setColor(AXIS);
                g.drawString(labels[i], x + 24, cy + fm.getAscent() / 2 - 1);
                x += 24 + fm.stringWidth(labels[i]) + 20;
            }
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "the folder does not exist";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private static void deleteQuietly(Path p) {
        try {
            if (Files.isRegularFile(p)) Files.delete(p);
        } catch (IOException ignored) {
            // the write already failed; that error is the one reported
        }
    }
}
