package io.lifeboat.cli;

import io.lifeboat.harness.Await;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a drill created on the user's clusters, and checks that nothing is left: its restore
 * connector (stopped first and its source offsets removed, so the worker's offsets topic keeps nothing
 * of it), the topics it restored into and the consumer groups it committed, all of whose names start
 * with the drill's id. Never touches anything else.
 */
final class DrillCleanup {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final ConnectRest rest;
    private final Admin admin;
    private final DrillNames names;

    DrillCleanup(ConnectRest rest, Admin admin, DrillNames names) {
        this.rest = rest;
        this.admin = admin;
        this.names = names;
    }

    /** Removes everything; returns what could not be removed, each a sentence (empty when all is gone). */
    List<String> run(Collection<String> targetTopics) {
        List<String> problems = new ArrayList<>();
        String connector = names.connector();
        try {
            if (rest.status(connector).isPresent()) {
                rest.stopConnector(connector);
                Await.condition("connector " + connector + " to stop", WAIT,
                        () -> rest.status(connector).map(s -> "STOPPED".equals(s.state())).orElse(true),
                        () -> "not STOPPED yet");
                rest.resetOffsets(connector);
                rest.deleteConnector(connector);
                Await.condition("connector " + connector + " to be deleted", WAIT,
                        () -> !rest.connectors().contains(connector), () -> "still listed");
            }
        } catch (Exception e) {
            problems.add("could not remove the restore connector " + connector + ": " + e.getMessage());
        }
        try {
            deleteTopics(targetTopics);
        } catch (Exception e) {
            problems.add("could not delete the drill's topics " + targetTopics + ": " + e.getMessage());
        }
        try {
            Set<String> groups = drillGroups();
            if (!groups.isEmpty()) {
                try {
                    admin.deleteConsumerGroups(groups).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                        throw e;
                    }
                }
            }
        } catch (Exception e) {
            problems.add("could not delete the drill's consumer groups: " + e.getMessage());
        }
        problems.addAll(leftovers());
        return problems;
    }

    private void deleteTopics(Collection<String> topics) throws Exception {
        Set<String> existing = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
        existing.retainAll(topics);
        if (existing.isEmpty()) {
            return;
        }
        try {
            admin.deleteTopics(existing).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        Await.condition("the drill's topics to be deleted", WAIT, () -> {
            Set<String> left = new TreeSet<>(admin.listTopics().names().get(30, TimeUnit.SECONDS));
            left.retainAll(existing);
            return left.isEmpty();
        }, () -> "still listed");
    }

    private Set<String> drillGroups() throws Exception {
        Set<String> groups = new TreeSet<>();
        for (GroupListing group : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
            if (group.groupId().startsWith(names.groupPrefix())) {
                groups.add(group.groupId());
            }
        }
        return groups;
    }

    /** What of the drill is still there: connectors, topics and groups whose names start with its id. */
    List<String> leftovers() {
        List<String> left = new ArrayList<>();
        try {
            rest.connectors().stream().filter(c -> c.startsWith(names.id())).sorted()
                    .forEach(c -> left.add("connector " + c + " is still on " + rest.url()));
        } catch (IOException e) {
            left.add("cannot list the connectors to check that the drill's are gone: " + e.getMessage());
        }
        try {
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith(names.id()))
                    .sorted().forEach(t -> left.add("topic " + t + " is still there"));
            drillGroups().forEach(g -> left.add("consumer group " + g + " is still there"));
        } catch (Exception e) {
            left.add("cannot list topics and groups to check that the drill's are gone: " + e.getMessage());
        }
        return left;
    }
}
