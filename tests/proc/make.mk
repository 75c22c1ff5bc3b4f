# make -j2 under ringside: parallel recipes, a shell per line, the jobserver.
all: result
	@cat result
	@echo "make done"
a.txt:
	@sleep 0.2; echo "a built" > $@
b.txt:
	@echo "b built" > $@
c.txt: a.txt b.txt
	@cat a.txt b.txt > $@
result: c.txt
	@sort c.txt > $@; echo "lines: $$(wc -l < $@)" >> $@
