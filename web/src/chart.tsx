/** Chart.js bar charts, registered with only the parts they use (tree-shaken). */
import { useEffect, useRef } from 'preact/hooks';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface BarSeries { label: string; data: number[]; colour: string }

export function BarChart({ labels, series, stacked = false, horizontal = false, label }: { labels: string[]; series: BarSeries[]; stacked?: boolean; horizontal?: boolean; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: { labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.colour })) },
      options: {
        indexAxis: horizontal ? 'y' : 'x', animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: series.length > 1, position: 'bottom' } },
        scales: { x: { stacked, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    return () => chart.destroy();
  }, [JSON.stringify([labels, series, stacked, horizontal])]);
  return <div class="chart"><canvas ref={canvas} role="img" aria-label={label} /></div>;
}
