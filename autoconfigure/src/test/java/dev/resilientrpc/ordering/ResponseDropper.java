package dev.resilientrpc.ordering;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import dev.resilientrpc.protocol.RpcHeaders;

import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * A servlet filter that lets the server process a request completely (execute it, record
 * its outcome) and then breaks the connection halfway through the response: the client
 * gets the status line, a {@code Content-Length} and half the body, then the connection
 * closes. This is the fault that makes naive retries execute a call twice.
 */
public final class ResponseDropper implements Filter {

	private volatile Predicate<HttpServletRequest> dropWhen = (request) -> false;

	/** Responses dropped so far. */
	public final AtomicInteger dropped = new AtomicInteger();

	/** Headers of every request seen, in arrival order. */
	public final List<Map<String, String>> requests = Collections.synchronizedList(new ArrayList<>());

	/**
	 * Drop responses to requests the predicate accepts.
	 * @param dropWhen the predicate
	 */
	public void dropWhen(Predicate<HttpServletRequest> dropWhen) {
		this.dropWhen = dropWhen;
	}

	/**
	 * Drop responses at random.
	 * @param probability the share of responses to drop
	 */
	public void dropAtRandom(double probability) {
		dropWhen((request) -> ThreadLocalRandom.current().nextDouble() < probability);
	}

	@Override
	public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		HttpServletRequest http = (HttpServletRequest) request;
		HttpServletResponse httpResponse = (HttpServletResponse) response;
		Map<String, String> headers = new HashMap<>();
		for (String name : List.of(RpcHeaders.IDEMPOTENCY_KEY, RpcHeaders.TIMESTAMP, RpcHeaders.ORDERING_KEY,
				RpcHeaders.ATTEMPT)) {
			String value = http.getHeader(name);
			if (value != null) {
				headers.put(name, value);
			}
		}
		this.requests.add(headers);
		ContentCachingResponseWrapper buffered = new ContentCachingResponseWrapper(httpResponse);
		chain.doFilter(request, buffered);
		if (!this.dropWhen.test(http)) {
			buffered.copyBodyToResponse();
			return;
		}
		this.dropped.incrementAndGet();
		byte[] body = buffered.getContentAsByteArray();
		httpResponse.setHeader("Connection", "close");
		httpResponse.setContentLength(body.length);
		httpResponse.getOutputStream().write(body, 0, body.length / 2);
		httpResponse.flushBuffer();
	}

}
