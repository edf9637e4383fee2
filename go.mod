module github.com/mirrorcert/mirrorcert

go 1.26.0
