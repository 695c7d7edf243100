package dev.resilientrpc.checkpoint;

/**
 * What a published checkpoint is made of: stored next to its chunks and read before them.
 *
 * @param id the checkpoint's id, increasing per checkpoint name
 * @param epoch the epoch of the writer that published it
 * @param format the format version of the data
 * @param compression the compression of the data
 * @param chunks how many chunks hold the data
 * @param size the size of the stored data in bytes (all chunks together)
 * @param checksum the CRC32C of the stored data
 * @param logCursor the id of the last command log entry whose effect the checkpoint holds
 * ({@code 0-0} for none)
 * @param createdAt when the checkpoint was taken, in milliseconds since the epoch
 */
public record CheckpointManifest(long id, long epoch, int format, Compression compression, int chunks, long size,
		long checksum, String logCursor, long createdAt) {

}
