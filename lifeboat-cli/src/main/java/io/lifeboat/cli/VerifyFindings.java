package io.lifeboat.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where {@code verify} puts what it finds: printed as it goes, a line per finding ({@code OK}, {@code CORRUPT},
 * {@code MISSING}, ...), or gathered into one JSON document printed at the end ({@code --json}). With
 * {@code quiet}, OK findings are left out of either.
 */
final class VerifyFindings {

    private final PrintStream out;
    private final boolean quiet;
    private final boolean json;
    private final Map<String, Object> document = new LinkedHashMap<>();
    private final List<Map<String, String>> findings = new ArrayList<>();

    private VerifyFindings(PrintStream out, boolean quiet, boolean json) {
        this.out = out;
        this.quiet = quiet;
        this.json = json;
    }

    static VerifyFindings text(PrintStream out, boolean quiet) {
        return new VerifyFindings(out, quiet, false);
    }

    static VerifyFindings json(PrintStream out, boolean quiet) {
        return new VerifyFindings(out, quiet, true);
    }

    void begin(String backupSet) {
        document.put("backupSet", backupSet);
        if (!json) {
            out.println("Verifying backup set " + backupSet);
        }
    }

    /** One finding: its verdict word and what it says. */
    void add(String verdict, String text) {
        if (quiet && "OK".equals(verdict)) {
            return;
        }
        if (json) {
            findings.add(Map.of("verdict", verdict, "text", text));
        } else {
            out.println(String.format("%-8s %s", verdict, text));
        }
    }

    /** The totals; with JSON, the document is printed now. */
    void end(String verdict, long segments, long records, long holes, long problems) throws JsonProcessingException {
        if (json) {
            document.put("verdict", verdict);
            document.put("segments", segments);
            document.put("records", records);
            document.put("holes", holes);
            document.put("problems", problems);
            document.put("findings", findings);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
        } else if (!"EMPTY".equals(verdict)) {
            out.printf("%d segments, %d records read, %d holes, %d problems: %s%n", segments, records, holes, problems,
                    verdict);
        }
    }
}
