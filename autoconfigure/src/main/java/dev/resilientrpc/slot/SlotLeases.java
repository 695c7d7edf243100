package dev.resilientrpc.slot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * Who holds which slot, in Redis, next to each slot's checkpoints and log (same hash tag,
 * so that one script may touch them all in a Cluster): <pre>
 * &lt;prefix&gt;:{&lt;service&gt;/&lt;slot&gt;}:owner    hash: node, uri, inc (the holder's incarnation), epoch,
 *                                      exp (lease expiry, in Redis milliseconds), rel (released to),
 *                                      ho (handing off to), ready (the node ready to take it)
 * &lt;prefix&gt;:{&lt;service&gt;/&lt;slot&gt;}:epoch    the slot's fencing epoch (the checkpoint store's key)
 * &lt;prefix&gt;:{&lt;service&gt;}:members        hash: node -&gt; "exp|inc|uri", and #cluster, an id chosen
 *                                      when the hash is created, by which nodes notice lost data
 * </pre> The lease's expiry is data, compared with Redis's own clock ({@code TIME}) in
 * every script, not a key TTL: it survives a restart from the append-only file, and every
 * node judges it by the same clock. Taking a slot increments its epoch in the same script
 * that makes the taker its holder, so a holder is fenced the moment another node takes
 * the slot; a refresh succeeds only for the holder with the current epoch, so a node that
 * was paused or cut off past its lease cannot renew a lease that was taken meanwhile. A
 * node takes at once a slot whose holder is an earlier run of itself (same node, another
 * incarnation). After Redis restarts, a slot is not taken from another holder for a grace
 * time: it could not renew while Redis was down.
 */
public final class SlotLeases {

	private static final String NOW = """
			if redis.replicate_commands then redis.replicate_commands() end
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			""";

	/**
	 * KEYS: owner, epoch. ARGV: node, uri, incarnation, lease ms, grace ms after a Redis
	 * restart.
	 */
	private static final RedisScripts.Script TAKE = RedisScripts.Script.of(NOW + """
			local o = redis.call('HMGET', KEYS[1], 'node', 'exp', 'rel')
			local holder, exp, rel = o[1], tonumber(o[2] or '0'), o[3] or ''
			if holder and holder ~= ARGV[1] then
			  if rel ~= '' and rel ~= ARGV[1] and exp > now then return {0, holder, exp - now} end
			  if rel == '' and exp > now then return {0, holder, exp - now} end
			  if rel == '' then
			    local up = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)') or '0')
			    if up * 1000 < tonumber(ARGV[5]) then return {0, holder, tonumber(ARGV[5]) - up * 1000} end
			  end
			end
			local epoch = redis.call('INCR', KEYS[2])
			local expires = now + tonumber(ARGV[4])
			redis.call('DEL', KEYS[1])
			redis.call('HSET', KEYS[1], 'node', ARGV[1], 'uri', ARGV[2], 'inc', ARGV[3], 'epoch', epoch, 'exp', expires)
			return {1, epoch, expires, holder or ''}
			""");

	/**
	 * KEYS: owner, epoch. ARGV: node, uri, incarnation, epoch, lease ms. Extends the
	 * lease of the holder with the current epoch; re-creates a record Redis lost (the
	 * epoch key being missing or older too), so that the holder keeps the slot and its
	 * state in memory.
	 */
	private static final RedisScripts.Script REFRESH = RedisScripts.Script
		.of(NOW + """
				local expires = now + tonumber(ARGV[5])
				local o = redis.call('HMGET', KEYS[1], 'node', 'inc', 'epoch', 'ho', 'ready')
				if not o[1] then
				  local stored = tonumber(redis.call('GET', KEYS[2]) or '0')
				  if stored > tonumber(ARGV[4]) then return {0, '', tostring(stored)} end
				  redis.call('SET', KEYS[2], ARGV[4])
				  redis.call('HSET', KEYS[1], 'node', ARGV[1], 'uri', ARGV[2], 'inc', ARGV[3], 'epoch', ARGV[4], 'exp', expires)
				  return {2, expires, '', ''}
				end
				if o[1] ~= ARGV[1] or o[2] ~= ARGV[3] or o[3] ~= ARGV[4] then return {0, o[1], o[3] or '0'} end
				redis.call('HSET', KEYS[1], 'exp', expires)
				return {1, expires, o[4] or '', o[5] or ''}
				""");

	/** KEYS: owner. ARGV: node, incarnation, epoch, released to (or ''), grace ms. */
	private static final RedisScripts.Script RELEASE = RedisScripts.Script.of(NOW + """
			local o = redis.call('HMGET', KEYS[1], 'node', 'inc', 'epoch')
			if o[1] ~= ARGV[1] or o[2] ~= ARGV[2] or o[3] ~= ARGV[3] then return {0} end
			redis.call('HSET', KEYS[1], 'exp', now + tonumber(ARGV[5]), 'rel', ARGV[4])
			redis.call('HDEL', KEYS[1], 'ho', 'ready')
			return {1}
			""");

	/** KEYS: owner. ARGV: node, incarnation, epoch, target (or '' to cancel). */
	private static final RedisScripts.Script HANDOFF = RedisScripts.Script.of("""
			local o = redis.call('HMGET', KEYS[1], 'node', 'inc', 'epoch')
			if o[1] ~= ARGV[1] or o[2] ~= ARGV[2] or o[3] ~= ARGV[3] then return {0} end
			redis.call('HDEL', KEYS[1], 'ready')
			if ARGV[4] == '' then redis.call('HDEL', KEYS[1], 'ho') else redis.call('HSET', KEYS[1], 'ho', ARGV[4]) end
			return {1}
			""");

	/** KEYS: owner. ARGV: the node that is ready. */
	private static final RedisScripts.Script READY = RedisScripts.Script.of("""
			if redis.call('HGET', KEYS[1], 'ho') ~= ARGV[1] then return {0} end
			redis.call('HSET', KEYS[1], 'ready', ARGV[1])
			return {1}
			""");

	/** KEYS: owner. */
	private static final RedisScripts.Script READ = RedisScripts.Script.of(NOW + """
			local o = redis.call('HMGET', KEYS[1], 'node', 'uri', 'inc', 'epoch', 'exp', 'rel', 'ho', 'ready')
			for i = 1, 8 do if not o[i] then o[i] = '' end end
			return {now, o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8]}
			""");

	/**
	 * KEYS: members. ARGV: node, uri, incarnation, lease ms, a cluster id to use if none.
	 */
	private static final RedisScripts.Script HEARTBEAT = RedisScripts.Script.of(NOW + """
			local id = redis.call('HGET', KEYS[1], '#cluster')
			if not id then
			  id = ARGV[5]
			  redis.call('HSET', KEYS[1], '#cluster', id)
			end
			redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[4])) .. '|' .. ARGV[3] .. '|' .. ARGV[2])
			local all = redis.call('HGETALL', KEYS[1])
			local result = {now, id}
			for i = 1, #all, 2 do
			  if all[i] ~= '#cluster' then
			    local exp = tonumber(string.match(all[i + 1], '^(%d+)|') or '0')
			    if exp < now - 3600000 then
			      redis.call('HDEL', KEYS[1], all[i])
			    else
			      result[#result + 1] = all[i]
			      result[#result + 1] = all[i + 1]
			    end
			  end
			end
			return result
			""");

	/** KEYS: members. ARGV: node. */
	private static final RedisScripts.Script LEAVE = RedisScripts.Script.of("""
			redis.call('HDEL', KEYS[1], ARGV[1])
			return {1}
			""");

	private final RedisScripts scripts;

	private final String keyPrefix;

	/**
	 * Create the leases.
	 * @param connectionFactory the Redis connections
	 * @param keyPrefix the prefix of every key ({@code resilient-rpc.redis.key-prefix})
	 */
	public SlotLeases(RedisConnectionFactory connectionFactory, String keyPrefix) {
		this.scripts = new RedisScripts(connectionFactory);
		this.keyPrefix = keyPrefix;
	}

	private String key(String name, String suffix) {
		return this.keyPrefix + ":{" + name + "}:" + suffix;
	}

	/**
	 * Who this node is, in every lease it holds.
	 *
	 * @param node the node id (its instance URI as listed)
	 * @param uri the URI other nodes forward calls to
	 * @param incarnation what tells this run of the node from earlier ones
	 */
	public record Holder(String node, String uri, String incarnation) {

	}

	/**
	 * What a take came to.
	 *
	 * @param taken whether this node holds the slot now
	 * @param epoch the new epoch, if taken
	 * @param expiresAt the lease expiry in Redis milliseconds, if taken
	 * @param previous the holder before, if any
	 * @param retryInMillis for a slot another node holds, how long its lease runs
	 */
	public record Take(boolean taken, long epoch, long expiresAt, String previous, long retryInMillis) {

	}

	/**
	 * Take a slot that is free, released to this node, expired, or held by an earlier run
	 * of this node; give it a new epoch.
	 * @param slot the store name of the slot
	 * @param holder this node
	 * @param lease how long the lease lasts without a refresh
	 * @param restartGrace how long after a Redis restart another node's expired lease
	 * still counts
	 * @return what happened
	 */
	public Take take(String slot, Holder holder, Duration lease, Duration restartGrace) {
		List<Object> reply = this.scripts
			.run(new RedisScripts.Call(TAKE, List.of(key(slot, "owner"), key(slot, "epoch")),
					List.of(holder.node(), holder.uri(), holder.incarnation(), millis(lease), millis(restartGrace))));
		if (RedisScripts.number(reply.get(0)) == 1) {
			return new Take(true, RedisScripts.number(reply.get(1)), RedisScripts.number(reply.get(2)),
					RedisScripts.string(reply.get(3)), 0);
		}
		return new Take(false, 0, 0, RedisScripts.string(reply.get(1)), RedisScripts.number(reply.get(2)));
	}

	/**
	 * What a refresh came to.
	 *
	 * @param held whether this node still holds the slot with its epoch
	 * @param recreated whether the record was missing (Redis lost its data) and was
	 * written again
	 * @param expiresAt the lease's new expiry, in Redis milliseconds
	 * @param handoffTo the node this one is handing the slot to, or {@code ""}
	 * @param readyBy the node ready to take it, or {@code ""}
	 */
	public record Refresh(boolean held, boolean recreated, long expiresAt, String handoffTo, String readyBy) {

	}

	/**
	 * Extend the leases of slots this node holds, in one batch.
	 * @param slots the store names of the slots, with the epochs this node holds them
	 * with
	 * @param holder this node
	 * @param lease how long a lease lasts without a refresh
	 * @return what happened to each, in the order given
	 */
	public List<Refresh> refresh(Map<String, Long> slots, Holder holder, Duration lease) {
		List<RedisScripts.Call> calls = new ArrayList<>(slots.size());
		slots.forEach((slot, epoch) -> calls
			.add(new RedisScripts.Call(REFRESH, List.of(key(slot, "owner"), key(slot, "epoch")),
					List.of(holder.node(), holder.uri(), holder.incarnation(), Long.toString(epoch), millis(lease)))));
		List<Refresh> refreshes = new ArrayList<>(calls.size());
		for (List<Object> reply : this.scripts.runAll(calls)) {
			long status = RedisScripts.number(reply.get(0));
			if (status == 0) {
				refreshes.add(new Refresh(false, false, 0, "", ""));
			}
			else {
				refreshes.add(new Refresh(true, status == 2, RedisScripts.number(reply.get(1)),
						RedisScripts.string(reply.get(2)), RedisScripts.string(reply.get(3))));
			}
		}
		return refreshes;
	}

	/**
	 * Give up a slot, letting the given node (or any) take it at once.
	 * @param slot the store name
	 * @param holder this node
	 * @param epoch the epoch this node holds it with
	 * @param to the node it is released to, or {@code ""} for any
	 * @param grace how long only that node may take it
	 * @return whether this node held it
	 */
	public boolean release(String slot, Holder holder, long epoch, String to, Duration grace) {
		List<Object> reply = this.scripts.run(new RedisScripts.Call(RELEASE, List.of(key(slot, "owner")),
				List.of(holder.node(), holder.incarnation(), Long.toString(epoch), to, millis(grace))));
		return RedisScripts.number(reply.get(0)) == 1;
	}

	/**
	 * Announce that this node hands a slot it holds to another one (or cancel that).
	 * @param slot the store name
	 * @param holder this node
	 * @param epoch the epoch this node holds it with
	 * @param target the node to hand it to, or {@code ""} to cancel
	 * @return whether this node held it
	 */
	public boolean handOff(String slot, Holder holder, long epoch, String target) {
		List<Object> reply = this.scripts.run(new RedisScripts.Call(HANDOFF, List.of(key(slot, "owner")),
				List.of(holder.node(), holder.incarnation(), Long.toString(epoch), target)));
		return RedisScripts.number(reply.get(0)) == 1;
	}

	/**
	 * Say that this node has loaded a slot handed to it and is ready to take it.
	 * @param slot the store name
	 * @param node this node
	 * @return whether the slot is still being handed to it
	 */
	public boolean ready(String slot, String node) {
		List<Object> reply = this.scripts.run(new RedisScripts.Call(READY, List.of(key(slot, "owner")), List.of(node)));
		return RedisScripts.number(reply.get(0)) == 1;
	}

	/**
	 * Read the owner records of slots, in one batch.
	 * @param slots the store names
	 * @return the owners, in the order given
	 */
	public List<SlotOwner> read(List<String> slots) {
		List<RedisScripts.Call> calls = new ArrayList<>(slots.size());
		for (String slot : slots) {
			calls.add(new RedisScripts.Call(READ, List.of(key(slot, "owner")), List.of()));
		}
		List<SlotOwner> owners = new ArrayList<>(slots.size());
		for (List<Object> reply : this.scripts.runAll(calls)) {
			owners.add(new SlotOwner(RedisScripts.string(reply.get(1)), RedisScripts.string(reply.get(2)),
					RedisScripts.string(reply.get(3)), parse(reply.get(4)), parse(reply.get(5)),
					RedisScripts.string(reply.get(6)), RedisScripts.string(reply.get(7)),
					RedisScripts.string(reply.get(8)), RedisScripts.number(reply.get(0))));
		}
		return owners;
	}

	/**
	 * The members of a service as Redis last heard from them.
	 *
	 * @param now Redis's clock, in milliseconds
	 * @param clusterId the id chosen when the members hash was created
	 * @param members by node id: lease expiry, incarnation and URI
	 */
	public record Members(long now, String clusterId, Map<String, Member> members) {

	}

	/**
	 * A member's heartbeat.
	 *
	 * @param expiresAt when it expires, in Redis milliseconds
	 * @param incarnation the member's incarnation
	 * @param uri its URI
	 */
	public record Member(long expiresAt, String incarnation, String uri) {

	}

	/**
	 * Renew this node's heartbeat and read everyone's.
	 * @param service the service
	 * @param holder this node
	 * @param lease how long the heartbeat lasts
	 * @param clusterId the cluster id to set if the members hash is new
	 * @return the members
	 */
	public Members heartbeat(String service, Holder holder, Duration lease, String clusterId) {
		List<Object> reply = this.scripts.run(new RedisScripts.Call(HEARTBEAT, List.of(key(service, "members")),
				List.of(holder.node(), holder.uri(), holder.incarnation(), millis(lease), clusterId)));
		Map<String, Member> members = new LinkedHashMap<>();
		for (int i = 2; i + 1 < reply.size(); i += 2) {
			String value = RedisScripts.string(reply.get(i + 1));
			String[] parts = value.split("\\|", 3);
			if (parts.length == 3) {
				members.put(RedisScripts.string(reply.get(i)), new Member(parse(parts[0]), parts[1], parts[2]));
			}
		}
		return new Members(RedisScripts.number(reply.get(0)), RedisScripts.string(reply.get(1)), members);
	}

	/**
	 * Remove this node's heartbeat, as it leaves.
	 * @param service the service
	 * @param node this node
	 */
	public void leave(String service, String node) {
		this.scripts.run(new RedisScripts.Call(LEAVE, List.of(key(service, "members")), List.of(node)));
	}

	private static long parse(@Nullable Object value) {
		String text = RedisScripts.string(value);
		if (text.isEmpty()) {
			return 0;
		}
		try {
			return Long.parseLong(text);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	private static String millis(Duration duration) {
		return Long.toString(duration.toMillis());
	}

}
