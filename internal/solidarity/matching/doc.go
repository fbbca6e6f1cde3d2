// Package matching assigns registered vulnerable people to solidarity
// volunteers during a heat or flood alert.
//
// # Model
//
// Each person may be assigned to at most one volunteer; a volunteer takes at
// most Capacity people (1 to 5). A pair is allowed only when the two share a
// language, are at most Options.MaxKm apart and, when the person has a
// District, the volunteer covers that district. The objective is
// lexicographic: first match as many people as possible, then minimise the
// total distance, where the pair a person had in the previous episode costs
// Options.KeepBonusMeters less, so that it is kept whenever that costs no
// match and no more than the bonus in distance.
//
// # Candidate graph
//
// Considering every eligible pair would make the graph quadratic. Instead each
// person gets at most K candidates: the K nearest eligible volunteers within
// MaxKm (found exactly with one uniform grid per language, or per language
// and district for people with a District), plus the previous
// volunteer when still eligible and within MaxKm. K therefore limits the
// choice: a person whose K nearest volunteers are all taken by closer people
// may stay unmatched although a volunteer further away still has room.
// Raise K to widen the search; with K at least the number of volunteers the
// candidate graph holds every eligible pair and the result is the global
// optimum.
//
// # Why the result is exact
//
// On the candidate graph the problem is a min-cost flow: source → person
// (capacity 1), person → volunteer (capacity 1, cost metres + bonus, minus
// the bonus for last episode's pair, so costs stay non-negative), volunteer →
// sink (capacity Capacity). Every person also has an edge to a "nobody"
// node of unbounded capacity whose cost exceeds the cost of any whole
// assignment; so every person ends up assigned somewhere, an assignment with
// more real pairs is always cheaper, and among those with the most pairs the
// cheapest wins. The offset adds the same amount per matched person, so it
// does not change which maximum matching is cheapest.
//
// People are added one at a time (ordered by id) and each is routed along a
// shortest augmenting path in the residual graph, found by Dijkstra on
// reduced costs with Johnson potentials, stopping at the first volunteer with
// room left or at the "nobody" node. This is successive shortest paths: after
// each step the flow is of minimum cost for the people added so far, and at the
// end the potentials are a feasible dual solution in complementary slackness
// with the assignment, which proves optimality. No step is greedy: a later
// person can displace an earlier one along a chain of reassignments when that
// lowers the total.
//
// Distances use the equirectangular approximation on a sphere of mean Earth
// radius, rounded to whole metres; within a city the error is far below a
// metre per kilometre. Areas crossing the antimeridian are not supported.
//
// Output is deterministic and independent of input order: people and
// volunteers are sorted by id, candidates by (distance, volunteer id), and
// Dijkstra breaks ties by node index.
package matching
