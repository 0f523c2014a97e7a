// Preloaded into the action by bench/action-overhead.ts --cpu: samples the process's CPU time (user +
// system, all threads) every 5 ms and writes the samples at exit, so the bench can say how much CPU
// perfgate spent before the first request and after the last one. On a shared machine wall times
// stretch with the load; CPU time much less.
const { writeFileSync } = require('node:fs');

const samples = [];
const sample = () => {
  const { user, system } = process.cpuUsage();
  samples.push([Date.now(), (user + system) / 1000]);
};
sample();
setInterval(sample, 5).unref();
process.on('exit', () => {
  sample();
  writeFileSync(process.env.PERFGATE_BENCH_CPU_TRACE, JSON.stringify(samples));
});
