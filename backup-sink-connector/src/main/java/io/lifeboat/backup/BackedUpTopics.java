package io.lifeboat.backup;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The topics a backup connector backs up, as Connect subscribes its tasks: the {@code topics} list,
 * or every non-internal topic whose whole name matches {@code topics.regex} (Connect allows exactly
 * one of the two). The metadata snapshot describes the topics that exist right now.
 */
record BackedUpTopics(List<String> names, Optional<Pattern> regex) {

    /** From Connect's raw {@code topics} and {@code topics.regex} values (either may be null or blank). */
    static BackedUpTopics of(String topics, String topicsRegex) {
        List<String> names = topics == null ? List.of()
                : Arrays.stream(topics.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        Optional<Pattern> regex = names.isEmpty() && topicsRegex != null && !topicsRegex.isBlank()
                ? Optional.of(Pattern.compile(topicsRegex.trim())) : Optional.empty();
        return new BackedUpTopics(names, regex);
    }

    /** A topic as the cluster lists it. */
    record Listed(String name, boolean internal) {
    }

    /**
     * The backed-up topics among those the cluster lists: the listed names that exist (internal ones
     * included, since a list names them on purpose), or the non-internal topics the regex matches whole.
     */
    SortedSet<String> resolve(Collection<Listed> existing) {
        SortedSet<String> resolved = new TreeSet<>();
        for (Listed topic : existing) {
            boolean backedUp = regex.map(p -> !topic.internal() && p.matcher(topic.name()).matches())
                    .orElseGet(() -> names.contains(topic.name()));
            if (backedUp) {
                resolved.add(topic.name());
            }
        }
        return resolved;
    }
}
