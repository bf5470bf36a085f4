package io.ringmem.cli;

import io.ringmem.api.RingmemClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code ringmem status}: a job's status (state, progress, error) as JSON. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job's status.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    ClientOptions coordinator;

    @Parameters(paramLabel = "JOB_ID")
    String id;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        RingmemClient client = coordinator.client();
        spec.commandLine().getOut().println(client.json().writerWithDefaultPrettyPrinter()
                .writeValueAsString(CoordinatorCalls.call(() -> client.status(id))));
        return 0;
    }
}
