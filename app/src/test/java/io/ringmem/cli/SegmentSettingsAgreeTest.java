package io.ringmem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.coordinator.JobLimits;
import io.ringmem.coordinator.JobValidator;
import io.ringmem.kv.IndexLayout;
import io.ringmem.kv.RetrievalScoring;
import io.ringmem.segment.Positions;
import io.ringmem.segment.SegmentConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One set of segment settings, three ways in: {@code score --mode segments}, {@code analyze} (its job request, as
 * the embedded coordinator validates it) and a REST body (as {@code POST /v1/jobs} parses and validates it) must
 * give the same {@link SegmentConfig}, defaults included (positions auto, the model's context), and the positions
 * policy and context override alike.
 */
class SegmentSettingsAgreeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JobValidator VALIDATOR = new JobValidator("m", 1000, null, JobLimits.defaults(), id -> false);

    static Stream<Arguments> settings() {
        return Stream.of(
                Arguments.of(List.of(), "{}", SegmentConfig.builder().build()),
                Arguments.of(List.of("--segment-tokens", "4096"), "{\"segmentTokens\":4096}", SegmentConfig.of(4096)),
                Arguments.of(List.of("--segment-tokens", "256", "--kv-codec", "int4", "--retrieve-top-k", "2", "--sink-tokens", "0",
                                "--window-tokens", "100", "--kv-block-tokens", "32", "--kv-keep-ratio", "0.5", "--no-memory-tokens"),
                        "{\"segmentTokens\":256,\"kvCodec\":\"int4\",\"retrieveTopK\":2,\"sinkTokens\":0,\"windowTokens\":100,"
                                + "\"kvBlockTokens\":32,\"kvKeepRatio\":0.5,\"memoryTokens\":false}",
                        new SegmentConfig(256, 0, 100, 32, "int4", 2, 0, false, 0.5, Positions.AUTO, 0)),
                Arguments.of(List.of("--positions", "window", "--context-tokens", "300"),
                        "{\"positions\":\"window\",\"contextTokens\":300}",
                        SegmentConfig.builder().build().withPositions(Positions.WINDOW, 300)),
                Arguments.of(List.of("--positions", "document"), "{\"positions\":\"document\"}",
                        SegmentConfig.builder().build().withPositions(Positions.DOCUMENT, 0)),
                Arguments.of(List.of("--retrieval-scoring", "rescore", "--retrieval-candidates", "40", "--summary-keys", "4"),
                        "{\"retrievalScoring\":\"rescore\",\"retrievalCandidates\":40,\"summaryKeys\":4}",
                        SegmentConfig.builder().build().withRetrieval(RetrievalScoring.RESCORE, 40, 4)),
                Arguments.of(List.of("--retrieval-scoring", "per-token"), "{\"retrievalScoring\":\"per-token\"}",
                        SegmentConfig.builder().build().withRetrieval(RetrievalScoring.PER_TOKEN, 0, 1)),
                Arguments.of(List.of("--retrieval-scoring", "last-exact"), "{\"retrievalScoring\":\"last-exact\"}",
                        SegmentConfig.builder().build().withRetrieval(RetrievalScoring.LAST_EXACT, 0, 1)),
                Arguments.of(List.of("--retrieval-index", "two-level", "--index-segments", "8"),
                        "{\"retrievalIndex\":\"two-level\",\"indexSegments\":8}",
                        SegmentConfig.builder().build().withIndex(IndexLayout.TWO_LEVEL, 8)));
    }

    @ParameterizedTest
    @MethodSource("settings")
    void scoreAnalyzeAndRestGiveTheSameSegmentConfig(List<String> flags, String restFields, SegmentConfig expected) throws Exception {
        List<String> score = new ArrayList<>(List.of("--model", "m.bin", "--tokens", "ids.txt", "--mode", "segments"));
        score.addAll(flags);
        ScoreCommand scoreCommand = new ScoreCommand();
        new CommandLine(scoreCommand).parseArgs(score.toArray(String[]::new));
        assertEquals(expected, scoreCommand.segmentSettings.config(), "score");

        List<String> analyze = new ArrayList<>(List.of("--model", "m.bin", "doc.txt"));
        analyze.addAll(flags);
        AnalyzeCommand analyzeCommand = new AnalyzeCommand();
        new CommandLine(analyzeCommand).parseArgs(analyze.toArray(String[]::new));
        assertEquals(expected, analyzeCommand.segmentSettings.config(), "analyze, in process");
        JobRequest job = analyzeCommand.request(List.of(DocumentInput.tokens("d", 1, 2, 3)));
        assertEquals(expected, VALIDATOR.validate(job, "job-1").settings(), "analyze, through its job");

        String body = "{\"task\":\"score\",\"documents\":[{\"id\":\"d\",\"tokens\":[1,2,3]}]"
                + (restFields.equals("{}") ? "" : "," + restFields.substring(1, restFields.length() - 1)) + "}";
        JobRequest rest = JSON.readValue(body, JobRequest.class);
        assertEquals(expected, VALIDATOR.validate(rest, "job-2").settings(), "REST");
    }
}
