package io.lifeboat.harness;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Topic chores of a drill: delete topics and wait until they are gone, count partitions. */
public final class KafkaTopics {

    private final Admin admin;

    public KafkaTopics(Admin admin) {
        this.admin = admin;
    }

    /** Deletes {@code topics} and waits until the cluster no longer lists any of them. */
    public void deleteAndAwait(Collection<String> topics, Duration timeout) throws Exception {
        admin.deleteTopics(topics).all().get(timeout.toSeconds(), TimeUnit.SECONDS);
        Set<String> remaining = new HashSet<>(topics);
        Await.condition("topics " + topics + " to be deleted", timeout, () -> {
            remaining.retainAll(names());
            return remaining.isEmpty();
        }, () -> "still listed: " + remaining);
    }

    /** Names of the topics that exist now (internal ones included). */
    public Set<String> names() throws Exception {
        return admin.listTopics(new ListTopicsOptions().listInternal(true))
                .names().get(30, TimeUnit.SECONDS);
    }

    /** The partition count of an existing topic. */
    public int partitionCount(String topic) throws Exception {
        Map<String, TopicDescription> descriptions = admin.describeTopics(Set.of(topic)).allTopicNames()
                .get(30, TimeUnit.SECONDS);
        return descriptions.get(topic).partitions().size();
    }
}
