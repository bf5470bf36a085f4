package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.JobRequest;
import io.ringmem.api.JobRequest.DocumentInput;
import io.ringmem.api.JobState;
import io.ringmem.api.JobStatus;
import io.ringmem.api.RingmemClient;
import io.ringmem.segment.SegmentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ringmem submit}: sends a job to a coordinator; with {@code --wait}, follows it and prints the result. */
@Command(name = "submit", mixinStandardHelpOptions = true, description = "Submit a job to a coordinator's REST API.")
final class SubmitCommand implements Callable<Integer> {
    @Mixin
    ClientOptions coordinator;

    @Option(names = "--task", defaultValue = "score", description = "score, embed, ask or generate (default: ${DEFAULT-VALUE})")
    String task;

    @Option(names = "--workers", paramLabel = "P", description = "ring size (default: every ready worker)")
    Integer workers;

    @Option(names = "--segment-tokens", paramLabel = "S",
            description = "segment length (default: " + SegmentConfig.DEFAULT_SEGMENT_TOKENS + ")")
    Integer segmentTokens;

    @Option(names = "--kv-codec", paramLabel = "none|int8|int4|int2", description = "codec of stored KV blocks (default: int8)")
    String kvCodec;

    @Option(names = "--question", description = "ask: the question (FILES name processed documents by id)")
    String question;

    @Option(names = "--prompt", description = "generate: the prompt")
    String prompt;

    @Option(names = "--max-tokens", paramLabel = "N", description = "ask/generate: tokens to produce at most")
    Integer maxTokens;

    @Option(names = "--wait", description = "wait for the job and print its result")
    boolean waitForResult;

    @Option(names = "--json", description = "print JSON only")
    boolean json;

    @Parameters(paramLabel = "FILES", arity = "0..*", description = "UTF-8 text files (ids: file names); for ask, document ids")
    List<String> files = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        List<DocumentInput> docs = new ArrayList<>();
        boolean ask = "ask".equalsIgnoreCase(task);
        for (String f : files) {
            if (ask) {
                docs.add(DocumentInput.ref(f));
                continue;
            }
            Path p = Path.of(f);
            try {
                docs.add(DocumentInput.text(DocumentIds.of(p), Files.readString(p, StandardCharsets.UTF_8)));
            } catch (IOException e) {
                throw new RingmemException("cannot read " + f + ": " + e.getMessage());
            }
        }
        JobRequest request = JobRequest.builder(task).documents(docs.isEmpty() ? null : docs).workers(workers)
                .segmentTokens(segmentTokens).kvCodec(kvCodec).question(question).prompt(prompt).maxTokens(maxTokens).build();
        RingmemClient client = coordinator.client();
        JobStatus status = CoordinatorCalls.call(() -> client.submit(request));
        String id = status.id();
        if (!waitForResult) {
            out.println(json ? client.json().writeValueAsString(status) : id);
            return 0;
        }
        if (!json) err.println("ringmem: submitted " + id);
        JobStatus last = JobFollower.follow(client, id, json ? null : err);
        if (last.state() != JobState.SUCCEEDED) {
            throw new RingmemException("job " + id + " " + last.state() + (last.error() != null ? ": " + last.error() : ""));
        }
        out.println(client.json().writerWithDefaultPrettyPrinter().writeValueAsString(CoordinatorCalls.call(() -> client.result(id))));
        return 0;
    }
}
