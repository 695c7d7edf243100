package dev.resilientrpc.it;

import java.util.List;

/**
 * The methods of the examples in section 7 of the JSON-RPC 2.0 specification.
 */
public interface SpecApi {

	int subtract(int minuend, int subtrahend);

	void update(int a, int b, int c, int d, int e);

	int sum(int a, int b, int c);

	void notify_hello(int value);

	List<Object> get_data();

	void notify_sum(int a, int b, int c);

}
