package dev.resilientrpc.it;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * An API that exercises the types and failure modes a client meets.
 */
public interface CalculatorApi {

	int add(int a, int b);

	double divide(double a, double b);

	boolean negate(boolean value);

	Point mirror(Point point);

	List<Point> line(int length);

	Map<String, List<Integer>> groupByParity(List<Integer> values);

	Optional<String> find(String prefix);

	@Nullable String echo(@Nullable String value);

	void fail(String message);

	long sleep(long millis);

	String header(String name);

	default String describe(int a, int b) {
		return a + " + " + b + " = " + add(a, b);
	}

	/**
	 * A point.
	 *
	 * @param x the x coordinate
	 * @param y the y coordinate
	 */
	record Point(int x, int y) {
	}

}
