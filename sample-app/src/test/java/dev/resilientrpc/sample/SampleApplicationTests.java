package dev.resilientrpc.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import dev.resilientrpc.sample.client.KvClient;
import dev.resilientrpc.sample.client.KvClientApplication;
import dev.resilientrpc.sample.demo.Ports;
import dev.resilientrpc.sample.node.KvNodeApplication;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's entry points: a node with its readiness endpoint and a client calling it.
 */
class SampleApplicationTests {

	@Test
	void nodeIsReadyAndServesKvCallsFromAClient() throws Exception {
		int redisPort = Ports.free();
		// a private Redis: the node keeps its checkpoints, logs and ordering records
		// there
		RedisServer redis = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"").build();
		redis.start();
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(KvNodeApplication.class)
			.profiles("node")
			.run("--server.port=0", "--spring.data.redis.host=127.0.0.1", "--spring.data.redis.port=" + redisPort)) {
			int port = ((WebServerApplicationContext) node).getWebServer().getPort();
			HttpResponse<String> readiness = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(readiness.statusCode()).isEqualTo(200);
			assertThat(readiness.body()).contains("\"UP\"");
			try (ConfigurableApplicationContext client = new SpringApplicationBuilder(KvClientApplication.class)
				.web(WebApplicationType.NONE)
				.profiles("client")
				.run("--resilient-rpc.client.services.kv.instances=http://127.0.0.1:" + port)) {
				KvClient kv = client.getBean(KvClient.class);
				assertThat(kv.put("a", "1")).isNull();
				assertThat(kv.put("a", "2")).isEqualTo("1");
				assertThat(kv.get("a")).isEqualTo("2");
				assertThat(kv.delete("a")).isTrue();
				assertThat(kv.delete("a")).isFalse();
				assertThat(kv.get("a")).isNull();
				assertThat(kv.append("b", "x")).isEqualTo("x");
				assertThat(kv.append("b", "y")).isEqualTo("x,y");
			}
		}
		finally {
			redis.stop();
		}
	}

}
