package io.lifeboat.benchmarks.ceiling;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Connect's own ceiling for a source, for {@code ./lifeboat bench}: writes the benchmark's data set
 * ({@link BenchData}) from memory, into the partitions it belongs to, with a source offset per partition
 * like the restore's. Whatever it reaches is what the worker, its producer and the converters allow.
 * Settings: {@code topic}, {@code partitions}, {@code records}, {@code value.bytes}, {@code batch.size}.
 */
public final class MemorySourceConnector extends SourceConnector {

    static final String TASK_PARTITIONS = "task.partitions";
    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return MemorySourceTask.class;
    }

    /** Partitions dealt round-robin, as the restore connector deals them. */
    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int partitions = Integer.parseInt(props.get("partitions"));
        int tasks = Math.min(maxTasks, partitions);
        List<Map<String, String>> configs = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            StringBuilder mine = new StringBuilder();
            for (int p = t; p < partitions; p += tasks) {
                mine.append(mine.length() == 0 ? "" : ",").append(p);
            }
            Map<String, String> config = new HashMap<>(props);
            config.put(TASK_PARTITIONS, mine.toString());
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    /** Hands out its partitions' records in order of {@code i}, a batch per poll, then nothing. */
    public static final class MemorySourceTask extends SourceTask {
        private String topic;
        private BenchData data;
        private boolean[] mine;
        private long records;
        private int batchSize;
        private long next;

        @Override
        public void start(Map<String, String> props) {
            topic = props.get("topic");
            int partitions = Integer.parseInt(props.get("partitions"));
            data = new BenchData(partitions, Integer.parseInt(props.get("value.bytes")));
            records = Long.parseLong(props.get("records"));
            batchSize = Integer.parseInt(props.getOrDefault("batch.size", "2000"));
            mine = new boolean[partitions];
            for (String p : props.get(TASK_PARTITIONS).split(",")) {
                mine[Integer.parseInt(p)] = true;
            }
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            if (next >= records) {
                Thread.sleep(200);
                return null;
            }
            List<SourceRecord> batch = new ArrayList<>(batchSize);
            while (next < records && batch.size() < batchSize) {
                long i = next++;
                int partition = data.partitionOf(i);
                if (mine[partition]) {
                    batch.add(new SourceRecord(Map.of("partition", partition), Map.of("i", i), topic, partition,
                            Schema.OPTIONAL_BYTES_SCHEMA, data.key(i), Schema.OPTIONAL_BYTES_SCHEMA, data.value(i)));
                }
            }
            return batch;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}
