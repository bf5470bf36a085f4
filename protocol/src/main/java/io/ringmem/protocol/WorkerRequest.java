package io.ringmem.protocol;

import java.io.Serializable;

/**
 * A unit of work the coordinator sends to one worker; {@code R} is what the worker answers.
 * Requests are immutable and small (token ids, settings, addresses); bulk data (KV, segment state) travels through
 * the cluster's store, never in a request.
 */
public sealed interface WorkerRequest<R extends Serializable> extends Serializable
        permits ShardTask, FinalizeTask, AskTask, GenerateTask {
}
