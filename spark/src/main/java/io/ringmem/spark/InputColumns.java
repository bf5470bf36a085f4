package io.ringmem.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The input columns of an analysis: an id column (any type, read as its string form) and exactly one content column,
 * text ({@code string}) or token ids ({@code array<int>} or {@code array<long>}, used as given, no BOS added).
 * {@link #select} checks them against the DataFrame's schema on the driver, so an unknown column or a wrong type is one
 * clear job error before any task runs.
 */
record InputColumns(String idColumn, String textColumn, String tokensColumn) implements Serializable {
    InputColumns {
        if (idColumn == null || idColumn.isBlank()) throw new IllegalArgumentException("idColumn must be set");
        if ((textColumn == null) == (tokensColumn == null)) {
            throw new IllegalArgumentException("set exactly one of textColumn(...) or tokensColumn(...)");
        }
    }

    boolean tokens() {
        return tokensColumn != null;
    }

    /**
     * {@code (id string, text string)} or {@code (id string, tokens array<int>)}, in the input's order and partitioning.
     *
     * @throws IllegalArgumentException naming the column and the DataFrame's columns, for an unknown column or wrong type
     */
    Dataset<Row> select(Dataset<Row> df) {
        StructType schema = df.schema();
        field(schema, idColumn);
        Column id = functions.col(quote(idColumn)).cast(DataTypes.StringType).as("id");
        if (tokens()) {
            DataType t = field(schema, tokensColumn).dataType();
            if (!(t instanceof ArrayType a) || !(isIntegral(a.elementType()))) {
                throw new IllegalArgumentException("column '" + tokensColumn + "' must hold token ids (array<int> or array<long>), it is "
                        + t.simpleString());
            }
            return df.select(id, functions.col(quote(tokensColumn)).cast(DataTypes.createArrayType(DataTypes.IntegerType)).as("tokens"));
        }
        DataType t = field(schema, textColumn).dataType();
        if (!t.equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column '" + textColumn + "' must be a string column, it is " + t.simpleString());
        }
        return df.select(id, functions.col(quote(textColumn)).as("text"));
    }

    private static StructField field(StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) return f;
        }
        throw new IllegalArgumentException("column '" + name + "' is not in the DataFrame; its columns are "
                + Arrays.toString(schema.fieldNames()));
    }

    private static boolean isIntegral(DataType t) {
        return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType)
                || t.equals(DataTypes.ByteType);
    }

    private static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
