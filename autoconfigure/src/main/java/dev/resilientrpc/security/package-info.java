/**
 * Signed calls: an HMAC-SHA256 signature over a request's body and the headers that say
 * what the call is, made by the client (and by a node that forwards a call) and checked
 * by the server before any call in the request runs.
 */
@NullMarked
package dev.resilientrpc.security;

import org.jspecify.annotations.NullMarked;
