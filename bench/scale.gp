# make bench: cycle wall time and CPU per cycle against tenant count, from
# bench/scale-report.py's summary. gnuplot -e "dat='...'; png='...'" scale.gp
set terminal pngcairo size 1200,500 font ",10"
set output png
set multiplot layout 1,2 title "collectd-mde against the alternatives (mde-sim, 50 ms a request)"
set logscale xy
set grid
set key bottom right
set xlabel "tenants"
set xrange [50:20000]
sel(c) = sprintf("< grep '^%s ' '%s'", c, dat)
set title "cycle wall time"
set ylabel "seconds"
plot sel("mde") using 2:3 with linespoints title "mde.so cold", \
     sel("mde") using 2:4 with linespoints title "mde.so steady", \
     sel("minimal") using 2:4 with linespoints title "mde.so Values \"token\", steady", \
     sel("serial") using 2:4 with linespoints title "mde.so MaxConnections 1, steady", \
     sel("python") using 2:4 with linespoints title "Python (MSAL), steady", \
     sel("shell") using 2:4 with linespoints title "shell loop (curl), a cycle"
set title "CPU per cycle (user+sys)"
set ylabel "CPU seconds"
plot sel("mde") using 2:5 with linespoints title "mde.so cold (with start-up)", \
     sel("mde") using 2:($6 > 0 ? $6 : 0.005) with linespoints title "mde.so steady", \
     sel("minimal") using 2:($6 > 0 ? $6 : 0.005) with linespoints title "mde.so Values \"token\", steady", \
     sel("serial") using 2:($6 > 0 ? $6 : 0.005) with linespoints title "mde.so MaxConnections 1, steady", \
     sel("python") using 2:6 with linespoints title "Python (MSAL), steady", \
     sel("shell") using 2:6 with linespoints title "shell loop (curl), a cycle"
unset multiplot
