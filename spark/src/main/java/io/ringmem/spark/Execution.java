package io.ringmem.spark;

/**
 * Where a Spark analysis runs the model (docs/spark.md).
 *
 * <ul>
 *   <li>{@link #LOCAL}: in every executor, whole documents in segment mode; the model is loaded once per executor JVM.</li>
 *   <li>{@link #SERVICE}: executors send their documents to a running Ringmem coordinator over REST.</li>
 *   <li>{@link #RING}: each document is spread over P executors of a barrier stage linked by the Netty TCP ring
 *       (exact sequence-parallel prefill).</li>
 * </ul>
 */
public enum Execution {
    LOCAL, SERVICE, RING
}
