package io.ringmem.cli;

import io.ringmem.RingmemException;
import picocli.CommandLine.Command;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.security.Security;

/**
 * Entry point of {@code bin/ringmem}. Subcommands are stable contracts other tools call; see README.md.
 * User errors ({@link RingmemException}, bad flags) print one line to stderr and exit non-zero, never a stack
 * trace (set {@code RINGMEM_DEBUG=1} to see one); a bad flag's line names the command's {@code --help}.
 */
@Command(name = "ringmem", mixinStandardHelpOptions = true, versionProvider = RingmemCli.Version.class,
        description = "Exact long-context Llama inference with sequence-parallel ring attention.",
        subcommands = {AnalyzeCommand.class, ScoreCommand.class, GenerateCommand.class, WorkerCommand.class, CoordinatorCommand.class,
                SubmitCommand.class, StatusCommand.class, ResultCommand.class, DeleteDocumentCommand.class, BenchCommand.class,
                MakeRecallModelCommand.class,
                MakeRandomModelCommand.class,
                CommandLine.HelpCommand.class})
public final class RingmemCli {
    /** Exit code for user errors (bad input, unsupported file, ...). */
    public static final int EXIT_USER_ERROR = 1;
    /** Exit code for internal errors (bugs). */
    public static final int EXIT_INTERNAL_ERROR = 3;

    public static void main(String[] args) {
        // A peer that drops off the network and comes back (a restarted pod, a healed partition) must be found again
        // at once: the JDK caches a failed name lookup for 10 s by default, long enough to fail a job's every retry.
        Security.setProperty("networkaddress.cache.negative.ttl", "1");
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                "1".equals(System.getenv("RINGMEM_DEBUG"))));
    }

    /** Runs the CLI with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        try {
            return execute(args, out, err, debug);
        } catch (OutOfMemoryError e) {
            err.println("ringmem: error: out of memory (" + e.getMessage() + "); give the JVM more with JAVA_OPTS=-Xmx...");
            return EXIT_USER_ERROR;
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err, boolean debug) {
        CommandLine cli = new CommandLine(new RingmemCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, given) -> {
            CommandSpec spec = ex.getCommandLine().getCommandSpec();
            err.println("ringmem: error: " + ex.getMessage() + " (see '" + spec.qualifiedName() + " --help')");
            return spec.exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (debug) ex.printStackTrace(err);
            if (ex instanceof RingmemException) {
                err.println("ringmem: error: " + ex.getMessage());
                return EXIT_USER_ERROR;
            }
            err.println("ringmem: internal error: " + ex + " (set RINGMEM_DEBUG=1 for the stack trace)");
            return EXIT_INTERNAL_ERROR;
        });
        return cli.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = RingmemCli.class.getPackage().getImplementationVersion();
            return new String[]{"ringmem " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
