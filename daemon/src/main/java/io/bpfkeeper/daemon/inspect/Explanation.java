package io.bpfkeeper.daemon.inspect;

import java.util.List;

/**
 * Why a BPF object is alive: every holder of a reference to it, and what that means in plain words.
 *
 * @param exists false when no object has this id now: it was freed, or never existed
 * @param owned whether bpfkeeper owns it
 */
public record Explanation(boolean exists, boolean owned, List<Holder> holders, String verdict) {
}
