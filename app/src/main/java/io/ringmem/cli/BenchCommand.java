package io.ringmem.cli;

import picocli.CommandLine.Command;

/**
 * {@code ringmem bench}: every benchmark of the project, one subcommand each; figures are recorded in
 * docs/benchmarks.md (and docs/quality.md for {@code quality}). Each prints a human-readable table, or with
 * {@code --json} one JSON object ({@link BenchReport}); each ratio is against a baseline measured in the same run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: CPU kernels, end-to-end prefill, decode, ring overhead, segment-mode quality, positions policies,"
                + " KV codecs, memory store, ring transport, K-quant dots, needle recall, retrieval ranking and attention mass."
                + " Each ratio is against a baseline measured in the same run.",
        subcommands = {BenchKernelsCommand.class, BenchPrefillCommand.class, BenchDecodeCommand.class, BenchRingCommand.class,
                BenchQualityCommand.class, BenchPositionsCommand.class, BenchCodecCommand.class, BenchStoreCommand.class,
                BenchTransportCommand.class, BenchKQuantCommand.class, BenchRecallCommand.class, BenchRetrievalCommand.class,
                BenchMassCommand.class, BenchWorkloadCommand.class, BenchPeersCommand.class, BenchQuantizedPrefillCommand.class,
                BenchDecodeDotsCommand.class})
final class BenchCommand {
}
