package io.lifeboat.restore;

import io.lifeboat.core.config.ExactCopyRules;
import org.apache.kafka.common.config.ConfigValue;

import java.util.Map;

/**
 * Producer overrides ({@code producer.override.*}) that would break the restore's guarantees,
 * rejected in {@code validate()}: acknowledgements from fewer than all in-sync replicas (a record
 * counted as restored can vanish with its leader), and retries that can reorder a partition (more
 * than one request in flight without idempotence).
 *
 * <p>Connect's own producer defaults are {@code acks=all}, {@code enable.idempotence=false} and
 * {@code max.in.flight.requests.per.connection=1}, which keep order. A worker's {@code producer.*}
 * settings can change them without the connector seeing it, so a connector that turns idempotence
 * off must pin one request in flight itself.
 */
final class ProducerOverrideRules {

    static final String PREFIX = "producer.override.";
    static final String ACKS = PREFIX + "acks";
    static final String IDEMPOTENCE = PREFIX + "enable.idempotence";
    static final String MAX_IN_FLIGHT = PREFIX + "max.in.flight.requests.per.connection";

    static void validate(Map<String, String> props, Map<String, ConfigValue> results) {
        String acks = trimmed(props.get(ACKS));
        if (acks != null && !acks.equalsIgnoreCase("all") && !acks.equals("-1")) {
            ExactCopyRules.addError(results, ACKS, ACKS + " must be all (or -1), not " + acks + ": a record "
                    + "acknowledged by fewer than all in-sync replicas is lost when its partition leader fails, "
                    + "after the restore counted it as restored. Remove the override (Connect's default is all).");
        }
        String idempotence = trimmed(props.get(IDEMPOTENCE));
        String inFlight = trimmed(props.get(MAX_IN_FLIGHT));
        boolean oneInFlight = isOne(inFlight);
        if ("false".equalsIgnoreCase(idempotence) && !oneInFlight) {
            ExactCopyRules.addError(results, IDEMPOTENCE, IDEMPOTENCE + "=false needs " + MAX_IN_FLIGHT + "=1"
                    + (inFlight == null ? " set as well" : ", not " + inFlight) + ": without idempotence, a retried "
                    + "batch can land after a later one and reorder the restored partition (and the worker's "
                    + "producer settings may allow more than one request in flight). Remove " + IDEMPOTENCE
                    + " or set " + MAX_IN_FLIGHT + "=1.");
        } else if (inFlight != null && !oneInFlight && !"true".equalsIgnoreCase(idempotence)) {
            ExactCopyRules.addError(results, MAX_IN_FLIGHT, MAX_IN_FLIGHT + "=" + inFlight + " needs "
                    + IDEMPOTENCE + "=true: Connect's producer is not idempotent by default, and with more than one "
                    + "request in flight a retried batch can land after a later one and reorder the restored "
                    + "partition. Set " + IDEMPOTENCE + "=true, or remove " + MAX_IN_FLIGHT + ".");
        }
    }

    private static boolean isOne(String value) {
        try {
            return value != null && Integer.parseInt(value) == 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String trimmed(String value) {
        return value == null ? null : value.trim();
    }

    private ProducerOverrideRules() {
    }
}
