package io.ringmem.report;

import io.ringmem.RingmemException;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;

/**
 * Recall against document length as a PNG: x is log2 of the length (ticks at each measured length), y is recall in
 * [0, 1]; one line with markers per mode, in a fixed palette, with a legend. Pure Java2D, headless. Not guaranteed: the
 * exact layout and fonts. Immutable.
 *
 * @param title the plot's title
 */
public record RecallPlot(String title) {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final int LEFT = 70;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color[] PALETTE = {new Color(20, 70, 170), new Color(220, 110, 20), new Color(40, 150, 60),
        new Color(190, 30, 40), new Color(130, 80, 170), new Color(120, 80, 60), new Color(220, 100, 180),
        new Color(100, 100, 100), new Color(150, 170, 30)};

    /** @param series per mode (in legend order): length → recall (mean over the depths measured) */
    public void write(Map<String, TreeMap<Integer, Double>> series, Path out) {
        List<Integer> lengths = new ArrayList<>();
        series.values().forEach(m -> m.keySet().forEach(n -> {
            if (!lengths.contains(n)) lengths.add(n);
        }));
        lengths.sort(null);
        if (lengths.isEmpty()) throw new RingmemException("nothing to plot");
        double x0 = log2(lengths.getFirst()), x1 = log2(lengths.getLast());
        if (x1 - x0 < 1) {
            x0 -= 0.5;
            x1 += 0.5;
        }
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int pw = WIDTH - LEFT - RIGHT, ph = HEIGHT - TOP - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (int i = 0; i <= 10; i++) {
                int y = TOP + ph - ph * i / 10;
                g.setColor(new Color(232, 232, 232));
                g.drawLine(LEFT, y, LEFT + pw, y);
                g.setColor(Color.DARK_GRAY);
                g.drawString(String.format(Locale.ROOT, "%.1f", i / 10.0), LEFT - 30, y + 4);
            }
            for (int n : lengths) {
                int x = LEFT + (int) Math.round((log2(n) - x0) / (x1 - x0) * pw);
                g.setColor(new Color(232, 232, 232));
                g.drawLine(x, TOP, x, TOP + ph);
                g.setColor(Color.DARK_GRAY);
                String label = n >= 1 << 20 ? (n >> 20) + "M" : n >= 1024 ? (n >> 10) + "K" : Integer.toString(n);
                g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, TOP + ph + 18);
            }
            g.drawRect(LEFT, TOP, pw, ph);
            g.drawString("document length (tokens, log scale)", LEFT + pw / 2 - 100, HEIGHT - 18);
            g.drawString("recall", 14, TOP + ph / 2);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.drawString(title, LEFT, TOP - 20);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            int k = 0;
            for (var e : series.entrySet()) {
                Color c = PALETTE[k % PALETTE.length];
                g.setColor(c);
                g.setStroke(new BasicStroke(2f));
                int px = -1, py = -1;
                for (var p : e.getValue().entrySet()) {
                    int x = LEFT + (int) Math.round((log2(p.getKey()) - x0) / (x1 - x0) * pw);
                    // a small vertical offset per mode keeps coinciding lines apart
                    int y = TOP + ph - (int) Math.round(p.getValue() * ph) + (k - series.size() / 2) * 2;
                    if (px >= 0) g.drawLine(px, py, x, y);
                    g.fillOval(x - 4, y - 4, 8, 8);
                    px = x;
                    py = y;
                }
                int ly = TOP + 10 + 20 * k;
                g.drawLine(LEFT + pw + 16, ly, LEFT + pw + 40, ly);
                g.fillOval(LEFT + pw + 24, ly - 4, 8, 8);
                g.setColor(Color.DARK_GRAY);
                g.drawString(e.getKey(), LEFT + pw + 48, ly + 4);
                k++;
            }
        } finally {
            g.dispose();
        }
        try {
            if (!ImageIO.write(img, "png", out.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new RingmemException("cannot write the plot " + out + ": " + e.getMessage(), e);
        }
    }

    private static double log2(int n) {
        return Math.log(n) / Math.log(2);
    }
}
