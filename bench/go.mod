module github.com/hancho-dev/hancho/bench

go 1.26.8
