package io.ringmem.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.ringmem.RingmemException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code decoder}: token strings → text, step by step as the library's {@code decode_chain} does.
 * Supported steps: Replace (String pattern), ByteFallback, Fuse, Strip (content, start, stop), Metaspace and
 * ByteLevel, alone or in a Sequence. Without a decoder, tokens are joined with spaces (as the library does).
 *
 * <p>For streaming, {@link #decode} takes whether the tokens begin the stream: Metaspace drops the replacement in
 * the first token, and Strip's {@code start}/{@code stop} act on a fused text, only at the start of the stream
 * (and the end is never stripped in a continuation, whose end is not known to be the stream's).
 */
final class HfDecoder {
    private sealed interface Step permits Replace, ByteFallback, Fuse, Strip, Metaspace, ByteLevel {
    }

    private record Replace(String pattern, String content) implements Step {
    }

    private record ByteFallback() implements Step {
    }

    private record Fuse() implements Step {
    }

    private record Strip(int content, int start, int stop) implements Step {
    }

    private record Metaspace(String replacement, boolean dropFirst) implements Step {
    }

    private record ByteLevel() implements Step {
    }

    private final List<Step> steps; // null: no decoder, join with " "

    private HfDecoder(List<Step> steps) {
        this.steps = steps;
    }

    static HfDecoder parse(JsonNode node, String where) {
        if (node == null || node.isNull()) return new HfDecoder(null);
        List<Step> steps = new ArrayList<>();
        addSteps(node, where, steps);
        return new HfDecoder(List.copyOf(steps));
    }

    private static void addSteps(JsonNode node, String where, List<Step> steps) {
        String type = HfJson.type(node);
        String here = where + ": decoder " + type;
        switch (type) {
            case "Sequence" -> {
                for (JsonNode n : node.path("decoders")) addSteps(n, where, steps);
            }
            case "Replace" -> {
                String pattern = HfJson.stringPattern(node, here);
                if (pattern == null) throw new RingmemException(here + " with a Regex pattern is not supported");
                steps.add(new Replace(pattern, HfJson.requiredText(node, "content", here)));
            }
            case "ByteFallback" -> steps.add(new ByteFallback());
            case "Fuse" -> steps.add(new Fuse());
            case "Strip" -> steps.add(new Strip(HfJson.codePoint(node, "content", ' ', here),
                    HfJson.integer(node, "start", 0), HfJson.integer(node, "stop", 0)));
            case "Metaspace" -> {
                String scheme = HfJson.text(node, "prepend_scheme");
                boolean prepends = scheme != null ? !scheme.equals("never") : HfJson.bool(node, "add_prefix_space", true);
                steps.add(new Metaspace(Character.toString(HfJson.codePoint(node, "replacement", '\u2581', here)),
                        prepends));
            }
            case "ByteLevel" -> steps.add(new ByteLevel());
            default -> throw new RingmemException(where + ": unsupported decoder type '" + type + "'");
        }
    }

    /** Decodes token strings; {@code atStart} tells whether they begin the decoded stream. */
    String decode(List<String> tokens, boolean atStart) {
        if (steps == null) return String.join(" ", tokens);
        List<String> cur = tokens;
        boolean fused = false;
        for (Step step : steps) {
            List<String> next = new ArrayList<>(cur.size());
            switch (step) {
                case Replace r -> cur.forEach(t -> next.add(t.replace(r.pattern(), r.content())));
                case ByteFallback b -> byteFallback(cur, next);
                case Fuse f -> {
                    next.add(String.join("", cur));
                    fused = true;
                }
                case Strip s -> {
                    for (String t : cur) {
                        next.add(fused ? strip(t, s, atStart ? s.start() : 0, atStart ? s.stop() : 0)
                                : strip(t, s, s.start(), s.stop()));
                    }
                }
                case Metaspace m -> {
                    for (int i = 0; i < cur.size(); i++) {
                        boolean drop = i == 0 && atStart && m.dropFirst();
                        next.add(cur.get(i).replace(m.replacement(), drop ? "" : " "));
                    }
                }
                case ByteLevel b -> {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    for (String t : cur) ByteUnicode.appendBytes(t, bytes);
                    next.add(bytes.toString(StandardCharsets.UTF_8));
                    fused = true;
                }
            }
            cur = next;
        }
        return String.join("", cur);
    }

    /** Runs of {@code <0xXX>} tokens become their UTF-8 text, or one U+FFFD per byte when not valid UTF-8. */
    private static void byteFallback(List<String> tokens, List<String> out) {
        ByteArrayOutputStream run = new ByteArrayOutputStream();
        for (String t : tokens) {
            int b = byteToken(t);
            if (b >= 0) {
                run.write(b);
                continue;
            }
            flush(run, out);
            out.add(t);
        }
        flush(run, out);
    }

    private static void flush(ByteArrayOutputStream run, List<String> out) {
        if (run.size() == 0) return;
        byte[] bytes = run.toByteArray();
        run.reset();
        try {
            out.add(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            for (int i = 0; i < bytes.length; i++) out.add("\uFFFD");
        }
    }

    private static int byteToken(String t) {
        if (t.length() != 6 || !t.startsWith("<0x") || t.charAt(5) != '>') return -1;
        int hi = Character.digit(t.charAt(3), 16);
        int lo = Character.digit(t.charAt(4), 16);
        return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
    }

    private static String strip(String t, Strip s, int start, int stop) {
        int[] cps = t.codePoints().toArray();
        int from = 0;
        while (from < start && from < cps.length && cps[from] == s.content()) from++;
        int to = cps.length;
        while (cps.length - to < stop && to > from && cps[to - 1] == s.content()) to--;
        return new String(cps, from, to - from);
    }
}
