package io.ringmem.cli;

import io.ringmem.api.RingmemClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ringmem delete-document}: {@code DELETE /v1/documents/{id}}, everything stored for a document (admin key). */
@Command(name = "delete-document", mixinStandardHelpOptions = true,
        description = "Remove everything the cluster stores for a document (KV blocks, states, summaries, its tokens and outcomes).")
final class DeleteDocumentCommand implements Callable<Integer> {
    @Mixin
    ClientOptions coordinator;

    @Parameters(paramLabel = "DOCUMENT_ID")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RingmemClient client = coordinator.client();
        spec.commandLine().getOut().println(client.json().writerWithDefaultPrettyPrinter()
                .writeValueAsString(CoordinatorCalls.call(() -> client.deleteDocument(id))));
        return 0;
    }
}
