module scaffold.bench/gentime

go 1.26.8
