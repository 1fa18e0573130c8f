module scaffold.bench/loadgen

go 1.26.8
