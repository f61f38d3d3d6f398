import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';

export interface BarDatum {
  label: string;
  value: number;
}

const BAR_HEIGHT = 22;
const GAP = 8;
const LABEL_WIDTH = 140;
const VALUE_WIDTH = 70;
const WIDTH = 480;

/**
 * A horizontal bar chart with the label and the number written beside each
 * bar, so it reads without colour and the SVG is an image with one text
 * description for screen readers.
 */
export function RevisionBarChart(props: {
  title: string;
  unit: string;
  data: BarDatum[];
}) {
  const { title, unit, data } = props;
  const theme = useTheme();
  const max = Math.max(1, ...data.map(d => d.value));
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = Math.max(1, data.length) * (BAR_HEIGHT + GAP);
  const description = data.length
    ? data.map(d => `${d.label}: ${d.value} ${unit}`).join(', ')
    : `no ${unit}`;
  return (
    <figure style={{ margin: 0 }}>
      <Typography variant="subtitle2" component="figcaption">
        {title}
      </Typography>
      {data.length === 0 ? (
        <Typography variant="body2">None</Typography>
      ) : (
        <svg
          role="img"
          aria-label={`${title}: ${description}`}
          width="100%"
          viewBox={`0 0 ${WIDTH} ${height}`}
          style={{ maxWidth: WIDTH }}
        >
          {data.map((d, i) => {
            const y = i * (BAR_HEIGHT + GAP);
            const width = Math.max(2, (d.value / max) * barSpace);
            return (
              <g key={d.label}>
                <text
                  x={0}
                  y={y + BAR_HEIGHT * 0.7}
                  fill={theme.palette.text.primary}
                  fontSize={13}
                >
                  {d.label}
                </text>
                <rect
                  x={LABEL_WIDTH}
                  y={y}
                  width={width}
                  height={BAR_HEIGHT}
                  fill={theme.palette.primary.main}
                />
                <text
                  x={LABEL_WIDTH + width + 6}
                  y={y + BAR_HEIGHT * 0.7}
                  fill={theme.palette.text.primary}
                  fontSize={13}
                >
                  {d.value}
                </text>
              </g>
            );
          })}
        </svg>
      )}
    </figure>
  );
}
