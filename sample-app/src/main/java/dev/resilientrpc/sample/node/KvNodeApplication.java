package dev.resilientrpc.sample.node;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A kv node: a web application exporting {@link KvNode} at {@code /rpc}.
 */
@SpringBootApplication
public class KvNodeApplication {

}
