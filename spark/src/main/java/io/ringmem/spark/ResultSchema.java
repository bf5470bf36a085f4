package io.ringmem.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

import java.util.ArrayList;
import java.util.List;

/**
 * The output of an analysis, one row per input row:
 * <pre>
 * id string, tokens int, meanNll double, perplexity double, segments int, storeBytes long, compressionRatio double,
 * [nll array&lt;float&gt;  (tokenNll)], [embedding array&lt;float&gt;  (embed)], error string
 * </pre>
 * A row whose document failed has {@code error} set and nulls elsewhere (its id kept); {@code error} is null otherwise.
 */
public final class ResultSchema {
    private ResultSchema() {
    }

    /** The schema for {@code spec}: {@code nll} only when per-token NLL was asked for, {@code embedding} only for embed. */
    public static StructType of(AnalysisTask task, boolean tokenNll) {
        List<StructField> f = new ArrayList<>(List.of(
                DataTypes.createStructField("id", DataTypes.StringType, true),
                DataTypes.createStructField("tokens", DataTypes.IntegerType, true),
                DataTypes.createStructField("meanNll", DataTypes.DoubleType, true),
                DataTypes.createStructField("perplexity", DataTypes.DoubleType, true),
                DataTypes.createStructField("segments", DataTypes.IntegerType, true),
                DataTypes.createStructField("storeBytes", DataTypes.LongType, true),
                DataTypes.createStructField("compressionRatio", DataTypes.DoubleType, true)));
        if (tokenNll) f.add(DataTypes.createStructField("nll", DataTypes.createArrayType(DataTypes.FloatType, false), true));
        if (task == AnalysisTask.EMBED) {
            f.add(DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true));
        }
        f.add(DataTypes.createStructField("error", DataTypes.StringType, true));
        return DataTypes.createStructType(f);
    }

    static StructType of(AnalysisSpec spec) {
        return of(spec.task(), spec.tokenNll());
    }

    /** The row of {@code o} in the schema of {@code spec}. */
    static Row row(DocumentOutcome o, AnalysisSpec spec) {
        List<Object> v = new ArrayList<>(10);
        v.add(o.id());
        v.add(o.tokens());
        v.add(o.meanNll());
        v.add(o.meanNll() == null ? null : Math.exp(o.meanNll()));
        v.add(o.segments());
        v.add(o.storeBytes());
        v.add(o.compressionRatio());
        if (spec.tokenNll()) v.add(boxed(o.nll()));
        if (spec.task() == AnalysisTask.EMBED) v.add(boxed(o.embedding()));
        v.add(o.error());
        return RowFactory.create(v.toArray());
    }

    private static ArraySeq<Float> boxed(float[] a) { // Spark's row encoder takes a Scala Seq for an array column
        if (a == null) return null;
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i];
        return ArraySeq.unsafeWrapArray(b);
    }
}
