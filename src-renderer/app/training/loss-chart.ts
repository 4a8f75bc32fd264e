/**
 * The loss chart's uPlot setup: four curves (the critic's D(real), D(fake) and gradient penalty
 * on the left axis, the reconstruction loss on the right, which lives on another scale) against
 * the global epoch, with each scale's start marked by a dashed line drawn on the canvas.
 *
 * uPlot draws on a <canvas> and sets only element.style properties (CSSOM), which the
 * Content-Security-Policy allows; its stylesheet is imported here so Vite bundles it into the
 * app's CSS file instead of an inline <style>.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { CURVES, type LossSeries } from './loss-series.js';

export { uPlot };

/** Curve colours, in {@link CURVES} order (the theme's accent, label and danger tones). */
const CURVE_COLORS = ['#6ea8ff', '#ff6b7d', '#f2a93b', '#2ec4a6'] as const;
const AXIS_COLOR = '#8d96a6';
const GRID_COLOR = 'rgba(42, 49, 61, 0.9)';
const BOUNDARY_COLOR = 'rgba(194, 200, 210, 0.35)';
const LABEL_FONT = '11px system-ui, sans-serif';

/** Height of the plotting area and axes, CSS pixels (the legend adds its own row). */
export const CHART_HEIGHT = 230;

/** Draws a dashed vertical line and "scale n" (1-based, as the table counts) at each scale start of `series()`. */
function boundaryPlugin(series: () => LossSeries): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u) => {
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = BOUNDARY_COLOR;
          ctx.fillStyle = AXIS_COLOR;
          ctx.lineWidth = devicePixelRatio;
          ctx.setLineDash([4 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.font = LABEL_FONT.replace('11px', `${11 * devicePixelRatio}px`);
          ctx.textBaseline = 'top';
          for (const mark of series().boundaries()) {
            const x = Math.round(u.valToPos(mark.x, 'x', true));
            if (x < left || x > left + width) continue;
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
            ctx.fillText(`scale ${mark.scale + 1}`, x + 4 * devicePixelRatio, top + 3 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };
}

/** uPlot options for a chart `width` px wide reading marks from `series()`. */
export function lossChartOptions(width: number, series: () => LossSeries): uPlot.Options {
  const axis = { stroke: AXIS_COLOR, grid: { stroke: GRID_COLOR, width: 1 }, ticks: { stroke: GRID_COLOR, width: 1 } };
  return {
    width,
    height: CHART_HEIGHT,
    scales: { x: { time: false } },
    legend: { live: true },
    cursor: { drag: { x: true, y: false } },
    series: [
      { label: 'Epoch' },
      ...CURVES.map((curve, i) => ({
        label: curve.label,
        stroke: CURVE_COLORS[i],
        width: 1.25,
        scale: curve.key === 'rec' ? 'rec' : 'critic',
        points: { show: false },
      })),
    ],
    axes: [
      { ...axis, label: 'epoch (all scales)', labelSize: 24 },
      { ...axis, scale: 'critic', label: 'critic', labelSize: 24, size: 56 },
      { ...axis, scale: 'rec', side: 1, label: 'reconstruction', labelSize: 24, size: 56, grid: { show: false } },
    ],
    plugins: [boundaryPlugin(series)],
  };
}
