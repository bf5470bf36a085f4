package io.ringmem.spark;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The ring execution: every document is spread over P executor tasks of one barrier stage ({@link RingRanks}), which
 * find each other through {@code BarrierTaskContext.allGather}, link into the Netty TCP ring of the worker module and
 * run the exact sequence-parallel prefill, or for a document longer than {@code segmentTokens} segment mode over the
 * same ring with the KV blocks in the stage's Hazelcast member ({@link RingSegments}); their partial results are then
 * put together per document ({@link #assemble}). The stage needs P free task slots at once (Spark's barrier rule).
 *
 * <p>Each of the P tasks reads every document (the input is replicated P times and sorted by input order), so the
 * ring execution is for few, long documents; many short documents belong to the local execution.
 */
final class RingAnalysis {
    private RingAnalysis() {
    }

    static Dataset<Row> run(Dataset<Row> docs, AnalysisSpec spec, boolean tokens) {
        int p = spec.ringSize();
        JavaPairRDD<Long, Row> indexed = docs.javaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()));
        JavaPairRDD<Tuple2<Integer, Long>, Row> copies = indexed.flatMapToPair(t -> {
            List<Tuple2<Tuple2<Integer, Long>, Row>> out = new ArrayList<>(p);
            for (int r = 0; r < p; r++) out.add(new Tuple2<>(new Tuple2<>(r, t._1()), t._2()));
            return out.iterator();
        });
        JavaPairRDD<Tuple2<Integer, Long>, Row> placed = copies.repartitionAndSortWithinPartitions(new RankPartitioner(p), new BySeq());
        ClassTag<RankPart> tag = ClassTag$.MODULE$.apply(RankPart.class);
        JavaRDD<RankPart> parts = new JavaRDD<>(placed.rdd().barrier().mapPartitions(new RingRanks(spec, tokens), false, tag), tag);
        JavaRDD<Row> rows = parts.mapToPair(part -> new Tuple2<>(part.seq(), part)).groupByKey().sortByKey()
                .map(t -> ResultSchema.row(assemble(t._2(), spec), spec));
        return SparkSession.active().createDataFrame(rows, ResultSchema.of(spec));
    }

    /** One document's outcome from its ranks' parts: NLL by position, the embedding as the ranks' sums in rank order / N. */
    static DocumentOutcome assemble(Iterable<RankPart> parts, AnalysisSpec spec) {
        List<RankPart> ranks = new ArrayList<>();
        parts.forEach(ranks::add);
        ranks.sort(Comparator.comparingInt(RankPart::rank));
        RankPart first = ranks.get(0);
        if (first.error() != null) return DocumentOutcome.failed(first.id(), first.error());
        int n = first.tokens();
        double[] nll = new double[n - 1];
        double[] pooled = null;
        for (RankPart r : ranks) {
            for (int i = 0; i < r.positions().length; i++) nll[r.positions()[i]] = r.nll()[i];
            if (r.hiddenSum() != null) {
                if (pooled == null) pooled = new double[r.hiddenSum().length];
                for (int d = 0; d < pooled.length; d++) pooled[d] += r.hiddenSum()[d];
            }
        }
        float[] embedding = null;
        if (pooled != null) {
            embedding = new float[pooled.length];
            for (int d = 0; d < embedding.length; d++) embedding[d] = (float) (pooled[d] / n);
        }
        return DocumentOutcome.of(first.id(), n, nll, first.segments(), first.storeBytes(), first.compressionRatio(), spec.tokenNll(),
                embedding);
    }

    /** Partition r holds rank r's copy of every document. */
    private static final class RankPartitioner extends Partitioner {
        private final int ranks;

        RankPartitioner(int ranks) {
            this.ranks = ranks;
        }

        @Override
        public int numPartitions() {
            return ranks;
        }

        @Override
        @SuppressWarnings("unchecked")
        public int getPartition(Object key) {
            return ((Tuple2<Integer, Long>) key)._1();
        }
    }

    /** Within a rank's partition: input order. */
    private static final class BySeq implements Comparator<Tuple2<Integer, Long>>, Serializable {
        @Override
        public int compare(Tuple2<Integer, Long> a, Tuple2<Integer, Long> b) {
            return Long.compare(a._2(), b._2());
        }
    }
}
