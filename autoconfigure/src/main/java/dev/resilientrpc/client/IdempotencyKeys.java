package dev.resilientrpc.client;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes idempotency keys: random (version 4) UUIDs from {@link ThreadLocalRandom}, which
 * is uncontended, unlike {@link UUID#randomUUID()}. Keys need to be unique, not
 * unguessable.
 */
public final class IdempotencyKeys {

	private IdempotencyKeys() {
	}

	/**
	 * Make a new key.
	 * @return a random UUID string
	 */
	public static String next() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long most = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
		long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
		return new UUID(most, least).toString();
	}

}
