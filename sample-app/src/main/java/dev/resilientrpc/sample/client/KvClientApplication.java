package dev.resilientrpc.sample.client;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A kv client: a non-web application with a {@link KvClient} proxy.
 */
@SpringBootApplication
public class KvClientApplication {

}
