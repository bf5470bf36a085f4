package io.ringmem.cli;

import io.ringmem.api.RingmemClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ringmem delete-document}: {@code DELETE /v1/documents/{id}}, everything stored for a document. */
@Command(name = "delete-document", mixinStandardHelpOptions = true,
        description = "Remove everything the cluster stores for a document (KV blocks, states, summaries, its tokens and outcomes).")
final class DeleteDocumentCommand implements Callable<Integer> {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "coordinator URL (default: ${DEFAULT-VALUE})")
    String url;

    @Parameters(paramLabel = "DOCUMENT_ID")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RingmemClient client = CoordinatorCalls.client(url);
        spec.commandLine().getOut().println(client.json().writerWithDefaultPrettyPrinter()
                .writeValueAsString(CoordinatorCalls.call(() -> client.deleteDocument(id))));
        return 0;
    }
}
