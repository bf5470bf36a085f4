package io.ringmem.cli;

import io.ringmem.RingmemException;
import io.ringmem.api.RingmemClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code ringmem result}: a finished job's result JSON, printed or written to a file. */
@Command(name = "result", mixinStandardHelpOptions = true, description = "Fetch a finished job's result.")
final class ResultCommand implements Callable<Integer> {
    @Mixin
    ClientOptions coordinator;

    @Option(names = "--out", paramLabel = "FILE", description = "write the result here instead of stdout")
    Path outFile;

    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RingmemClient client = coordinator.client();
        String text = client.json().writerWithDefaultPrettyPrinter().writeValueAsString(CoordinatorCalls.call(() -> client.result(id)));
        if (outFile == null) {
            spec.commandLine().getOut().println(text);
        } else {
            try {
                Files.writeString(outFile, text + "\n");
            } catch (IOException e) {
                throw new RingmemException("cannot write " + outFile + ": " + e.getMessage());
            }
        }
        return 0;
    }
}
