# Flatten a JSON document into one "PATH<TAB>VALUE" line per scalar.
#
#   awk -f json.awk meta_data.json
#
# PATH joins object keys and array indexes (from 0) with "/", e.g.
#   hostname	vm-1.novalocal
#   public_keys/mykey	ssh-ed25519 AAAA... me@host
#   networks/0/routes/0/gateway	10.0.0.1
# String values are unescaped (\" \\ \/ \t, \uXXXX below 0x80; other
# \uXXXX become "?"); \n and \r stay escaped so a value is one line.
# Numbers, true, false and null are printed as they appear; empty
# objects and arrays print nothing. Written for busybox awk (the guest
# has no jq); malformed input gives partial output, never a hang.
{ s = s $0 "\n" }

END {
    n = length(s)
    i = 1
    value("")
}

function ws() {
    while (i <= n && index(" \t\r\n", substr(s, i, 1)) > 0)
        i++
}

function hexval(h,    k, v, d) {
    v = 0
    for (k = 1; k <= length(h); k++) {
        d = index("0123456789abcdef", tolower(substr(h, k, 1)))
        if (d == 0)
            return -1
        v = v * 16 + d - 1
    }
    return v
}

# The string starting at the quote at i; leaves i after its end quote.
function str(    out, c, v) {
    i++
    out = ""
    while (i <= n) {
        c = substr(s, i, 1)
        if (c == "\"") {
            i++
            return out
        }
        if (c == "\\") {
            c = substr(s, i + 1, 1)
            i += 2
            if (c == "n")
                out = out "\\n"
            else if (c == "r")
                out = out "\\r"
            else if (c == "t")
                out = out "\t"
            else if (c == "u") {
                v = hexval(substr(s, i, 4))
                i += 4
                if (v >= 32 && v < 127)
                    out = out sprintf("%c", v)
                else
                    out = out "?"
            } else if (c != "b" && c != "f")
                out = out c
            continue
        }
        out = out c
        i++
    }
    return out
}

function join(path, key) {
    return path == "" ? key : path "/" key
}

function value(path,    c, k, idx, start) {
    ws()
    c = substr(s, i, 1)
    if (c == "{") {
        i++
        ws()
        if (substr(s, i, 1) == "}") {
            i++
            return
        }
        while (i <= n) {
            ws()
            if (substr(s, i, 1) != "\"")
                return
            k = str()
            ws()
            i++                         # the ':'
            value(join(path, k))
            ws()
            c = substr(s, i, 1)
            i++
            if (c != ",")
                return                  # '}' or malformed
        }
    } else if (c == "[") {
        i++
        ws()
        if (substr(s, i, 1) == "]") {
            i++
            return
        }
        idx = 0
        while (i <= n) {
            value(join(path, idx))
            idx++
            ws()
            c = substr(s, i, 1)
            i++
            if (c != ",")
                return                  # ']' or malformed
        }
    } else if (c == "\"") {
        print path "\t" str()
    } else {
        start = i
        while (i <= n && index(",}] \t\r\n", substr(s, i, 1)) == 0)
            i++
        if (i > start)
            print path "\t" substr(s, start, i - start)
    }
}
