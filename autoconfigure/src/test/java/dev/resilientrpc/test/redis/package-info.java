/**
 * JUnit Jupiter support for tests that need a real Redis: {@link RedisServerExtension}
 * starts one or more private {@code redis-server} processes ({@link RedisProcess}) on
 * free ports, using the binary chosen by {@link RedisBinary}.
 */
@NullMarked
package dev.resilientrpc.test.redis;

import org.jspecify.annotations.NullMarked;
